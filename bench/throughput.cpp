// netgear_bench_throughput: netgear next to its ceiling, raw libzmq (cppzmq)
// moving the same two-part messages with the same reply discipline, in the
// same run, for every case = frame size x protocol x pattern.
//
// Each run of one implementation forks two processes: a receiver (binds, and
// reports its endpoint to the parent) and then a sender (connects). The
// parent only orchestrates; it never creates a ZeroMQ context. Each child
// reports one JSON line of figures through a pipe; every wait on a child is
// bounded (a stuck child is killed, see tools/support/child.hpp).
//
// What is measured, after `--warmup` frames, over `--frames` frames:
//  * frames/s and MB/s: on the receiver, from the last warm-up frame to the
//    last frame (steady clock). MB/s counts raw pixel bytes, also when
//    netgear sends JPEG/PNG.
//  * one-way latency p50 / p99 / max, ms: on the receiver, system_clock when
//    recv() returns minus the time the sender stamped into the header —
//    netgear's own `netgear_sent_ns` (Received::sent_at); the raw ceiling
//    puts the same key, as int64 ns of system_clock, into a header of the
//    same shape as netgear's and parses it back with nlohmann::json. Both
//    processes share one clock (same machine).
//  * CPU seconds per 1000 frames, each side: getrusage(RUSAGE_SELF) user+sys
//    deltas of the whole process (all its threads, ZeroMQ's I/O thread
//    included) around the timed frames — on the sender from the end of the
//    warm-up sends to the last send, on the receiver as for frames/s.
//  * peak RSS, each side: ru_maxrss of the child at its end, MiB (a child
//    starts as a copy of the small parent: the test frame and libraries).
//  * ours/ceiling: netgear frames/s over raw libzmq frames/s.
// Patterns 0/1 must deliver every frame (a missing frame is an error); PUB/SUB
// may drop, and the frames lost are reported. No figure is ever checked
// against a threshold. --secure adds netgear StoneHouse (CURVE) next to raw
// libzmq with CURVE on the same keys.
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <sys/utsname.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <zmq.hpp>

#include "bench_stats.hpp"
#include "netgear/keys.hpp"
#include "netgear/netgear.hpp"
#include "support/child.hpp"

namespace {

using namespace std::chrono;
using json = nlohmann::json;
using Report = std::function<void(const std::string&)>;
using netgear::bench::cpu_seconds;
using netgear::bench::peak_rss_mib;
using netgear::bench::Percentiles;

// ---- configuration --------------------------------------------------------------

enum class Codec { none, jpeg, png };

const char* codec_name(Codec codec) { return codec == Codec::jpeg ? "jpeg" : codec == Codec::png ? "png" : "none"; }

// One frame size: "WxHxC" (uint8) or "WxHxCu16" (uint16), C = 1 or 3.
struct Size {
  int width = 0;
  int height = 0;
  int channels = 3;
  bool u16 = false;
  std::string label;
  [[nodiscard]] std::size_t bytes() const {
    return static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * static_cast<std::size_t>(channels) *
           (u16 ? 2U : 1U);
  }
  [[nodiscard]] const char* dtype() const { return u16 ? "uint16" : "uint8"; }
  // numpy shape as netgear sends it: [H, W] for one channel, [H, W, C] otherwise.
  [[nodiscard]] json shape() const {
    return channels == 1 ? json{height, width} : json{height, width, channels};
  }
};

Size parse_size(const std::string& text) {
  static const std::regex form(R"((\d{2,4})x(\d{2,4})x([13])(u8|u16)?)");
  std::smatch m;
  if (!std::regex_match(text, m, form))
    throw std::invalid_argument("'" + text + "' is not WxHxC or WxHxCu16 (C = 1 or 3)");
  Size s{std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3]), m[4] == "u16", text};
  if (s.width < 16 || s.height < 16 || s.width > 8192 || s.height > 8192)
    throw std::invalid_argument("'" + text + "': width and height must be 16..8192");
  return s;
}

struct Config {
  int frames = 500;
  int warmup = 50;
  std::vector<std::string> size_specs = {"1280x720x3"};
  std::vector<Size> sizes;
  std::vector<int> patterns = {0, 1, 2};
  std::vector<std::string> protocols = {"tcp"};
  bool as_json = false;
  bool jpeg = false;         // netgear sends JPEG q90 4:2:2 (vidgear 0.3's default); no raw ceiling then
  bool png = false;          // netgear sends PNG (compression_format ".png"); no raw ceiling then
  bool secure = false;       // also measure netgear with StoneHouse (CURVE encryption)
  bool smoke = false;        // one tiny run of everything, a few seconds
  std::string work_dir;      // temporary: key store and ipc sockets
  [[nodiscard]] Codec codec() const { return jpeg ? Codec::jpeg : png ? Codec::png : Codec::none; }
  [[nodiscard]] std::string key_location() const { return work_dir + "/keys"; }
};

// One case: what both implementations are measured on.
struct Case {
  Size size;
  int pattern = 0;
  std::string protocol;
  bool secure = false;
};

// A fresh ipc socket path in the work folder, one per run (made in the
// parent: a counter bumped in a child would not survive it).
std::string fresh_ipc_path(const Config& c, const char* impl) {
  static int id = 0;
  return c.work_dir + "/" + impl + std::to_string(++id);
}

netgear::Options options_for(const Config& c, bool secure) {
  netgear::Options options;
  if (secure) {
    options.secure_mode = netgear::SecureMode::stonehouse;
    options.custom_cert_location = c.key_location();
  }
  return options;
}

// A frame like a camera's: gradients, shapes and a little sensor noise (pure
// noise would be an unfair JPEG case, a flat frame an unfair easy one).
cv::Mat camera_like(int width, int height) {
  cv::Mat frame(height, width, CV_8UC3);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      frame.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<uchar>(x * 255 / width), static_cast<uchar>(y * 255 / height),
                                            static_cast<uchar>((x + y) * 255 / (width + height)));
  for (int i = 0; i < 12; ++i)
    cv::circle(frame, {(i * 97) % width, (i * 61) % height}, height / 8, cv::Scalar(i * 20, 255 - i * 20, 128), -1);
  cv::Mat noise(frame.size(), CV_8UC3);
  cv::randn(noise, 0, 4);
  frame += noise;
  return frame;
}

// The test frame of a size: the camera-like frame, grey for one channel,
// scaled to the full 16-bit range for uint16 (like a depth camera's frame).
cv::Mat make_frame(const Size& s) {
  cv::Mat frame = camera_like(s.width, s.height);
  if (s.channels == 1) cv::cvtColor(frame, frame, cv::COLOR_BGR2GRAY);
  if (s.u16) frame.convertTo(frame, CV_16U, 257.0);
  return frame;
}

// Why netgear cannot send this size with this codec, or nullopt if it can.
std::optional<std::string> unsupported(const Size& s, Codec codec) {
  if (codec == Codec::jpeg && (s.u16 || s.channels != 3)) return "JPEG takes 3-channel uint8 frames only";
  return std::nullopt;
}

// ---- what a child measures --------------------------------------------------------

// The receiver's clock: starts at the last warm-up frame; collects latencies
// of the timed frames and the CPU time up to the last one.
class ReceiverMeter {
 public:
  ReceiverMeter(int warmup, int frames) : warmup_(warmup) { latencies_ms_.reserve(static_cast<std::size_t>(frames)); }

  void frame(system_clock::time_point sent_at) {
    const auto now = system_clock::now();
    if (++seen_ <= warmup_) {
      if (seen_ == warmup_) start(steady_clock::now());
      return;
    }
    latencies_ms_.push_back(duration<double, std::milli>(now - sent_at).count());
    last_ = steady_clock::now();
    cpu_last_ = cpu_seconds();
  }

  [[nodiscard]] json report() const {
    const auto p = netgear::bench::percentiles(latencies_ms_);
    return {{"frames", latencies_ms_.size()},
            {"seconds", duration<double>(last_ - start_).count()},
            {"cpu", cpu_last_ - cpu_start_},
            {"rss_mib", peak_rss_mib()},
            {"latency_ms", {{"p50", p.p50}, {"p99", p.p99}, {"max", p.max}}}};
  }

 private:
  void start(steady_clock::time_point now) {
    start_ = last_ = now;
    cpu_start_ = cpu_last_ = cpu_seconds();
  }

  int warmup_;
  int seen_ = 0;
  steady_clock::time_point start_, last_;
  double cpu_start_ = 0, cpu_last_ = 0;
  std::vector<double> latencies_ms_;
};

// The sender's meter: CPU from the end of the warm-up sends to the last send.
class SenderMeter {
 public:
  explicit SenderMeter(int warmup) : warmup_(warmup) {}
  void sent() {
    if (++sent_ == warmup_) cpu_start_ = cpu_seconds();
  }
  [[nodiscard]] json report() const {
    return {{"frames", sent_ - warmup_}, {"cpu", cpu_seconds() - cpu_start_}, {"rss_mib", peak_rss_mib()}};
  }

 private:
  int warmup_;
  int sent_ = 0;
  double cpu_start_ = 0;
};

// ---- netgear ------------------------------------------------------------------

int netgear_receiver(const Config& c, const Case& k, const std::string& ipc_path, const Report& report) {
  netgear::Options options = options_for(c, k.secure);
  options.receive_timeout = seconds(15);  // a lost sender ends the stream instead of hanging
  const bool ipc = k.protocol == "ipc";  // ipc: "ipc://<path>:1", as vidgear builds it
  netgear::NetGear client(ipc ? ipc_path : std::string("127.0.0.1"), ipc ? "1" : "*", k.protocol, k.pattern, true, false, options);
  report(client.receiver().endpoints().front());
  ReceiverMeter meter(c.warmup, c.frames);
  while (auto got = client.recv()) {
    if (!got->sent_at) throw std::runtime_error("a frame without sent_at");
    meter.frame(*got->sent_at);
  }
  if (client.receiver().end_reason() != netgear::EndReason::terminated)
    throw std::runtime_error("the stream did not end by termination (reason " +
                             std::to_string(static_cast<int>(client.receiver().end_reason())) + ")");
  report(meter.report().dump());
  return 0;
}

json netgear_sender(const Config& c, const Case& k, const std::string& endpoint, const cv::Mat& frame) {
  netgear::Options options = options_for(c, k.secure);
  options.jpeg_compression = c.codec() == Codec::jpeg;
  if (c.codec() == Codec::png) options.compression_format = ".png";
  // "tcp://127.0.0.1:41234" or "ipc:///tmp/x/ng:3": address and port.
  const auto scheme_end = endpoint.find("://") + 3;
  const auto colon = endpoint.rfind(':');
  netgear::NetGear server(endpoint.substr(scheme_end, colon - scheme_end), endpoint.substr(colon + 1), k.protocol,
                          k.pattern, false, false, options);
  auto& sender = server.sender();
  if (k.pattern == 2 && !sender.wait_for_receiver(seconds(10))) throw std::runtime_error("no subscriber");
  SenderMeter meter(c.warmup);
  for (int i = 0; i < c.frames + c.warmup;) {
    if (sender.send(frame).status == netgear::SendStatus::dropped) continue;  // lossless: offer the frame again
    ++i;
    meter.sent();
  }
  json figures = meter.report();
  server.close();
  return figures;
}

// ---- raw libzmq: the same messages, no netgear logic ---------------------------

constexpr int kSocketTimeoutMs = 15000;  // every raw wait is bounded

// "[480, 640, 3]", spaced as Python's json.dumps (and netgear) write it.
std::string shape_text(const Size& s) {
  std::string text = "[" + std::to_string(s.height) + ", " + std::to_string(s.width);
  if (s.channels != 1) text += ", " + std::to_string(s.channels);
  return text + "]";
}

// A header of the same keys and size as netgear's, with the send time.
std::string raw_header(const Case& k, std::uint64_t seq) {
  const auto ns = duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count();
  return R"({"terminate_flag": false, "compression": false, "message": null, "pattern": ")" +
         std::to_string(k.pattern) + R"(", "dtype": ")" + k.size.dtype() + R"(", "shape": )" + shape_text(k.size) +
         R"(, "netgear_seq": )" + std::to_string(seq) + R"(, "netgear_sent_ns": )" + std::to_string(ns) + "}";
}

system_clock::time_point header_sent_at(const zmq::message_t& header) {
  const json h = json::parse(header.to_string_view());
  return system_clock::time_point(duration_cast<system_clock::duration>(nanoseconds(h.at("netgear_sent_ns").get<std::int64_t>())));
}

// CURVE on a raw socket with the store's keys (no ZAP handler: libzmq admits
// any client that knows the server key, the cheapest StoneHouse there is).
void raw_curve(zmq::socket_t& socket, const Config& c, bool server) {
  const netgear::KeyStore store = netgear::KeyStore::at(c.key_location());
  const auto own = store.secret_pair(server ? "server" : "client");
  if (server) socket.set(zmq::sockopt::curve_server, 1);
  else socket.set(zmq::sockopt::curve_serverkey, store.public_key("server"));
  socket.set(zmq::sockopt::curve_publickey, own.public_key);
  socket.set(zmq::sockopt::curve_secretkey, own.secret_key);
}

void raw_recv(zmq::socket_t& socket, zmq::message_t& message) {
  if (!socket.recv(message)) throw std::runtime_error("raw: nothing arrived within the socket timeout");
}

int raw_receiver(const Config& c, const Case& k, const std::string& ipc_path, const Report& report) {
  zmq::context_t ctx;
  const auto type = k.pattern == 0 ? zmq::socket_type::pair : k.pattern == 1 ? zmq::socket_type::rep : zmq::socket_type::sub;
  zmq::socket_t socket(ctx, type);
  if (k.secure) raw_curve(socket, c, true);
  socket.set(zmq::sockopt::rcvtimeo, kSocketTimeoutMs);
  socket.set(zmq::sockopt::sndtimeo, kSocketTimeoutMs);
  if (k.pattern == 2) {
    socket.set(zmq::sockopt::rcvhwm, 1);
    socket.set(zmq::sockopt::subscribe, "");
  }
  socket.bind(k.protocol == "ipc" ? "ipc://" + ipc_path : std::string("tcp://127.0.0.1:*"));
  report(socket.get(zmq::sockopt::last_endpoint));
  ReceiverMeter meter(c.warmup, c.frames);
  for (;;) {
    zmq::message_t header, payload;
    raw_recv(socket, header);
    if (!header.more()) break;  // the one-part end message
    raw_recv(socket, payload);
    if (payload.size() != k.size.bytes()) throw std::runtime_error("raw: a payload of the wrong size");
    if (k.pattern != 2) (void)socket.send(zmq::str_buffer("Data received on device: RAW00000 !"), zmq::send_flags::none);
    meter.frame(header_sent_at(header));
  }
  if (k.pattern == 1) (void)socket.send(zmq::str_buffer("end"), zmq::send_flags::none);
  report(meter.report().dump());
  return 0;
}

json raw_sender(const Config& c, const Case& k, const std::string& endpoint, const cv::Mat& frame) {
  zmq::context_t ctx;
  const auto type = k.pattern == 0 ? zmq::socket_type::pair : k.pattern == 1 ? zmq::socket_type::req : zmq::socket_type::xpub;
  zmq::socket_t socket(ctx, type);
  if (k.secure) raw_curve(socket, c, false);
  socket.set(zmq::sockopt::linger, 1000);
  socket.set(zmq::sockopt::rcvtimeo, kSocketTimeoutMs);
  if (k.pattern == 2) {
    socket.set(zmq::sockopt::sndhwm, 1);
    socket.set(zmq::sockopt::xpub_nodrop, 1);
  }
  socket.connect(endpoint);
  zmq::message_t reply;
  if (k.pattern == 2) raw_recv(socket, reply);  // the subscription
  // XPUB_NODROP says EAGAIN while the pipe is full: offer again until the
  // timeout, re-stamping the header each time as netgear's send() does.
  // Reading ZMQ_EVENTS between offers makes libzmq process its pending
  // commands (the pipe's "writable again") at once: a non-blocking send
  // checks them at most about once a millisecond (its command throttle),
  // which alone held this ceiling near 800 frames/s whatever the frame size.
  auto send_first_part = [&](const std::function<std::string()>& make, zmq::send_flags flags) {
    const auto deadline = steady_clock::now() + milliseconds(kSocketTimeoutMs);
    while (!socket.send(zmq::buffer(make()), flags | zmq::send_flags::dontwait)) {
      (void)socket.get(zmq::sockopt::events);
      if (steady_clock::now() > deadline) throw std::runtime_error("raw: the socket took nothing within the timeout");
    }
  };
  SenderMeter meter(c.warmup);
  for (int i = 0; i < c.frames + c.warmup; ++i) {
    send_first_part([&] { return raw_header(k, static_cast<std::uint64_t>(i)); }, zmq::send_flags::sndmore);
    // Zero-copy like netgear's default copy=false.
    zmq::message_t payload(frame.data, frame.total() * frame.elemSize(), nullptr, nullptr);
    (void)socket.send(payload, zmq::send_flags::dontwait);
    if (k.pattern != 2) raw_recv(socket, reply);
    meter.sent();
  }
  json figures = meter.report();
  send_first_part([] { return std::string("end"); }, zmq::send_flags::none);
  if (k.pattern == 1) raw_recv(socket, reply);
  return figures;
}

// ---- one run: a receiver child and a sender child ---------------------------------

using ReceiverBody = std::function<int(const Report&)>;
using SenderBody = std::function<json(const std::string& endpoint)>;

// A line from a child, or an exception saying what went wrong.
std::string expect_line(netgear::tools::Child& child, milliseconds timeout, const char* what) {
  auto line = child.read_line(timeout);
  if (!line) throw std::runtime_error(std::string(what) + ": no answer (exited or timed out)");
  if (line->rfind("error: ", 0) == 0) throw std::runtime_error(std::string(what) + ": " + line->substr(7));
  return *line;
}

// Figures of one implementation in one case, as the two children reported them.
struct Figures {
  bool ran = false;
  json receiver;  // frames, seconds, cpu, rss_mib, latency_ms
  json sender;    // frames, cpu, rss_mib
  [[nodiscard]] long frames() const { return ran ? receiver.at("frames").get<long>() : 0; }
  [[nodiscard]] double fps() const {
    const double s = ran ? receiver.at("seconds").get<double>() : 0;
    return s > 0 ? static_cast<double>(frames()) / s : 0;
  }
  // CPU seconds per 1000 timed frames of one side.
  [[nodiscard]] static double per_1000(const json& side) {
    const double n = side.at("frames").get<double>();
    return n > 0 ? side.at("cpu").get<double>() * 1000.0 / n : 0;
  }
};

Figures run_pair(const Config& c, const ReceiverBody& receive, const SenderBody& send) {
  netgear::tools::Child receiver(receive);
  const std::string endpoint = expect_line(receiver, seconds(10), "receiver start");
  netgear::tools::Child sender([&](const Report& report) {
    report(send(endpoint).dump());
    return 0;
  });
  const auto budget = seconds(60) + milliseconds(50) * (c.frames + c.warmup);  // generous: never a figure
  Figures f;
  f.sender = json::parse(expect_line(sender, budget, "sender"));
  f.receiver = json::parse(expect_line(receiver, seconds(30), "receiver"));
  if (sender.wait(seconds(10)) != 0) throw std::runtime_error("the sender process failed");
  if (receiver.wait(seconds(10)) != 0) throw std::runtime_error("the receiver process failed");
  f.ran = true;
  return f;
}

const char* pattern_name(int pattern) {
  static const char* names[] = {"PAIR", "REQ/REP", "PUB/SUB"};
  return names[pattern];
}

// Patterns 0/1 deliver every frame; PUB/SUB may drop (reported, not an error).
void check_complete(const Config& c, const Case& k, const Figures& f, const char* impl) {
  if (k.pattern != 2 && f.frames() != c.frames)
    throw std::runtime_error(std::string(impl) + " " + pattern_name(k.pattern) + " " + k.size.label + ": " +
                             std::to_string(f.frames()) + " of " + std::to_string(c.frames) + " frames arrived");
}

Figures measure_netgear(const Config& c, const Case& k, const cv::Mat& frame) {
  const std::string ipc_path = fresh_ipc_path(c, "ng");
  auto f = run_pair(
      c, [&](const Report& r) { return netgear_receiver(c, k, ipc_path, r); },
      [&](const std::string& ep) { return netgear_sender(c, k, ep, frame); });
  check_complete(c, k, f, k.secure ? "netgear StoneHouse" : "netgear");
  return f;
}

Figures measure_raw(const Config& c, const Case& k, const cv::Mat& frame) {
  const std::string ipc_path = fresh_ipc_path(c, "raw");
  auto f = run_pair(
      c, [&](const Report& r) { return raw_receiver(c, k, ipc_path, r); },
      [&](const std::string& ep) { return raw_sender(c, k, ep, frame); });
  check_complete(c, k, f, k.secure ? "raw CURVE" : "raw zmq");
  return f;
}

// ---- output ---------------------------------------------------------------------

json figures_json(const Config& c, const Case& k, const Figures& f) {
  if (!f.ran) return nullptr;
  const double mb = static_cast<double>(k.size.bytes()) / 1e6;
  return {{"frames", f.frames()},
          {"lost", c.frames - f.frames()},
          {"seconds", f.receiver.at("seconds")},
          {"fps", f.fps()},
          {"mb_per_s", f.fps() * mb},
          {"latency_ms", f.receiver.at("latency_ms")},
          {"cpu_s_per_1000_frames", {{"sender", Figures::per_1000(f.sender)}, {"receiver", Figures::per_1000(f.receiver)}}},
          {"peak_rss_mib", {{"sender", f.sender.at("rss_mib")}, {"receiver", f.receiver.at("rss_mib")}}}};
}

double ratio(const Figures& ours, const Figures& ceiling) {
  return ceiling.fps() > 0 ? ours.fps() / ceiling.fps() : 0;
}

void print_table_head(const Config& c) {
  std::printf("netgear next to raw libzmq: %d timed frames per run after %d warm-up, sender and receiver in two\n"
              "processes; latency = send stamp to recv() return on the receiver; CPU = user+sys s per 1000 frames;\n"
              "RSS = peak MiB; MB/s of raw pixels%s\n\n",
              c.frames, c.warmup,
              c.codec() == Codec::jpeg  ? "; netgear frames are JPEG q90 4:2:2 (encode + decode included), no ceiling"
              : c.codec() == Codec::png ? "; netgear frames are PNG (encode + decode included), no ceiling"
                                        : "");
  std::printf("%-14s %-5s %-8s %-11s %9s %8s %7s %7s %7s %7s %7s %7s %7s %5s %8s\n", "size", "proto", "pattern", "impl",
              "fps", "MB/s", "p50 ms", "p99 ms", "max ms", "cpu tx", "cpu rx", "rss tx", "rss rx", "lost", "ours/raw");
}

void print_row(const Config& c, const Case& k, const char* impl, const Figures& f, std::optional<double> ratio_value) {
  const double mb = static_cast<double>(k.size.bytes()) / 1e6;
  const json& lat = f.receiver.at("latency_ms");
  char ratio_text[16] = "";
  if (ratio_value) std::snprintf(ratio_text, sizeof ratio_text, "%.2f", *ratio_value);
  std::printf("%-14s %-5s %-8s %-11s %9.1f %8.1f %7.3f %7.3f %7.3f %7.3f %7.3f %7.1f %7.1f %5ld %8s\n",
              k.size.label.c_str(), k.protocol.c_str(), pattern_name(k.pattern), impl, f.fps(), f.fps() * mb,
              lat.at("p50").get<double>(), lat.at("p99").get<double>(), lat.at("max").get<double>(),
              Figures::per_1000(f.sender), Figures::per_1000(f.receiver), f.sender.at("rss_mib").get<double>(),
              f.receiver.at("rss_mib").get<double>(), c.frames - f.frames(), ratio_text);
  std::fflush(stdout);
}

std::string first_line_with(const char* path, const std::string& key) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(key, 0) == 0) {
      const auto colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(line.find_first_not_of(" \t", colon + 1));
    }
  return "";
}

json machine_info() {
  const auto [major, minor, patch] = zmq::version();
  utsname u{};
  ::uname(&u);
  return {{"nproc", std::thread::hardware_concurrency()},
          {"cpu", first_line_with("/proc/cpuinfo", "model name")},
          {"kernel", std::string(u.sysname) + " " + u.release},
          {"libzmq", std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch)},
          {"opencv", CV_VERSION}};
}

// ---- the cases ----------------------------------------------------------------------

// Measures one case (and its secure twin with --secure); prints its rows and
// returns its JSON.
json run_case(const Config& c, const Case& plain, const cv::Mat& frame) {
  json out = {{"size", plain.size.label}, {"shape", plain.size.shape()},       {"dtype", plain.size.dtype()},
              {"bytes", plain.size.bytes()}, {"pattern", plain.pattern},        {"pattern_name", pattern_name(plain.pattern)},
              {"protocol", plain.protocol},  {"codec", codec_name(c.codec())}};
  const bool ceiling = c.codec() == Codec::none;
  std::vector<Case> variants = {plain};
  if (c.secure) variants.push_back(Case{plain.size, plain.pattern, plain.protocol, true});
  for (const Case& k : variants) {
    const Figures ours = measure_netgear(c, k, frame);
    const Figures raw = ceiling ? measure_raw(c, k, frame) : Figures{};
    const std::optional<double> r = ceiling ? std::optional<double>(ratio(ours, raw)) : std::nullopt;
    const std::string prefix = k.secure ? "secure_" : "";
    out[prefix + "netgear"] = figures_json(c, k, ours);
    out[prefix + "raw"] = figures_json(c, k, raw);
    out[prefix + "ratio"] = r ? json(*r) : json(nullptr);
    if (c.as_json) continue;
    print_row(c, k, k.secure ? "StoneHouse" : "netgear", ours, r);
    if (ceiling) print_row(c, k, k.secure ? "raw CURVE" : "raw zmq", raw, std::nullopt);
  }
  return out;
}

json config_json(const Config& c) {
  return {{"frames", c.frames},      {"warmup", c.warmup},   {"sizes", c.size_specs},
          {"patterns", c.patterns},  {"protocols", c.protocols}, {"codec", codec_name(c.codec())},
          {"secure", c.secure}};
}

int run(Config& c) {
  for (const auto& spec : c.size_specs) c.sizes.push_back(parse_size(spec));
  if (c.secure) {  // one store for both processes, made before they start
    std::filesystem::create_directory(c.key_location());
    netgear::KeyStore::at(c.key_location()).generate();
  }
  json cases = json::array();
  if (!c.as_json) print_table_head(c);
  for (const Size& size : c.sizes) {
    if (auto why = unsupported(size, c.codec())) {
      if (!c.as_json) std::printf("%-14s skipped: %s\n", size.label.c_str(), why->c_str());
      continue;
    }
    const cv::Mat frame = make_frame(size);
    for (const auto& protocol : c.protocols)
      for (int pattern : c.patterns) cases.push_back(run_case(c, Case{size, pattern, protocol, false}, frame));
  }
  if (c.as_json)
    std::printf("%s\n", json{{"machine", machine_info()}, {"config", config_json(c)}, {"cases", cases}}.dump(2).c_str());
  return 0;
}

// A private folder under /tmp (key store, ipc sockets), removed at the end.
std::unique_ptr<char, void (*)(char*)> make_work_dir() {
  std::unique_ptr<char, void (*)(char*)> dir(::strdup("/tmp/netgear-bench-XXXXXX"), [](char* d) {
    std::error_code ignored;
    std::filesystem::remove_all(d, ignored);
    std::free(d);
  });
  if (!::mkdtemp(dir.get())) throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
  return dir;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"netgear next to raw libzmq: frames/s, latency, CPU and memory per case"};
  Config c;
  int width = 0, height = 0;
  app.add_option("--frames", c.frames, "timed frames per run")->check(CLI::Range(10, 1000000));
  app.add_option("--warmup", c.warmup, "frames sent before timing starts")->check(CLI::Range(1, 100000));
  app.add_option("--sizes", c.size_specs, "frame sizes WxHxC (uint8) or WxHxCu16 (uint16), C = 1 or 3, e.g. "
                                          "640x480x3,1920x1080x3,640x480x1u16")
      ->delimiter(',')
      ->check([](const std::string& spec) {
        try {
          (void)parse_size(spec);
          return std::string();
        } catch (const std::exception& e) {
          return std::string(e.what());
        }
      });
  app.add_option("--width", width, "with --height: shorthand for --sizes WxHx3")->check(CLI::Range(16, 8192));
  app.add_option("--height", height, "with --width: shorthand for --sizes WxHx3")->check(CLI::Range(16, 8192));
  app.add_option("--patterns", c.patterns, "patterns to measure (0 PAIR, 1 REQ/REP, 2 PUB/SUB)")
      ->check(CLI::Range(0, 2))
      ->delimiter(',');
  app.add_option("--protocol", c.protocols, "tcp (loopback) and/or ipc (a socket under /tmp)")
      ->check(CLI::IsMember({"tcp", "ipc"}))
      ->delimiter(',');
  app.add_flag("--json", c.as_json, "print one JSON document instead of a table");
  auto* jpeg = app.add_flag("--jpeg", c.jpeg, "netgear sends JPEG q90 (encode and decode included; no raw ceiling)");
  app.add_flag("--png", c.png, "netgear sends PNG (compression_format .png; no raw ceiling)")->excludes(jpeg);
  app.add_flag("--secure", c.secure, "also measure netgear with secure_mode 1 (StoneHouse, CURVE)");
  app.add_flag("--smoke", c.smoke, "a tiny run of every pattern (a check that the program works, not a measurement)");
  CLI11_PARSE(app, argc, argv);
  if ((width > 0) != (height > 0)) {
    std::fprintf(stderr, "--width and --height go together\n");
    return 2;
  }
  if (width > 0) c.size_specs = {std::to_string(width) + "x" + std::to_string(height) + "x3"};
  if (c.smoke) {
    c.frames = 20;
    c.warmup = 5;
    c.size_specs = {"160x120x3", "160x120x1u16"};
  }
  try {
    auto work_dir = make_work_dir();
    c.work_dir = work_dir.get();
    return run(c);
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "netgear_bench_throughput: %s\n", e.what());
    return 1;
  }
}
