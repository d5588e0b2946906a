// netgear_bench_throughput: frames per second of netgear over tcp loopback for
// each pattern, next to the ceiling — raw libzmq (cppzmq) moving the same
// two-part messages with the same reply discipline — in the same run.
// Sender in this process, receiver in a forked child; the receiver times the
// frames after a warm-up. --secure adds netgear with StoneHouse (CURVE) next
// to raw libzmq with CURVE on the same keys.
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <cstdio>
#include <functional>
#include <sstream>
#include <string>
#include <thread>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <zmq.hpp>

#include "netgear/keys.hpp"
#include "netgear/netgear.hpp"
#include "support/child.hpp"

namespace {

using namespace std::chrono;
using json = nlohmann::json;
using Report = std::function<void(const std::string&)>;

struct Config {
  int frames = 500;
  int warmup = 50;
  int width = 1280;
  int height = 720;
  std::vector<int> patterns = {0, 1, 2};
  bool as_json = false;
  bool jpeg = false;  // netgear sends JPEG q90 4:2:2 (vidgear 0.3's default); no raw ceiling then
  bool secure = false;      // also measure netgear with StoneHouse (CURVE encryption)
  std::string key_location;  // custom_cert_location of the StoneHouse cases
};

// StoneHouse options when `secure`, plain ones otherwise.
netgear::Options options_for(const Config& c, bool secure) {
  netgear::Options options;
  if (secure) {
    options.secure_mode = netgear::SecureMode::stonehouse;
    options.custom_cert_location = c.key_location;
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

// What a receiver measured: frames after the warm-up and the time they took.
struct Measured {
  long frames = 0;
  double seconds = 0;
  [[nodiscard]] double fps() const { return seconds > 0 ? static_cast<double>(frames) / seconds : 0; }
};

// Counts frames, starting the clock at the warm-up's end.
class Clock {
 public:
  explicit Clock(int warmup) : warmup_(warmup) {}
  void frame() {
    if (++seen_ == warmup_) start_ = steady_clock::now();
    last_ = steady_clock::now();
  }
  [[nodiscard]] std::string report() const {
    const long timed = seen_ > warmup_ ? seen_ - warmup_ : 0;
    return std::to_string(timed) + " " + std::to_string(duration<double>(last_ - start_).count());
  }

 private:
  int warmup_;
  long seen_ = 0;
  steady_clock::time_point start_, last_;
};

Measured parse(const std::optional<std::string>& line) {
  Measured m;
  if (line) std::istringstream(*line) >> m.frames >> m.seconds;
  return m;
}

// ---- netgear ------------------------------------------------------------------

int netgear_receiver(const Config& c, int pattern, bool secure, const Report& report) {
  netgear::NetGear client("127.0.0.1", "*", "tcp", pattern, true, false, options_for(c, secure));
  report(client.receiver().endpoints().front());
  Clock clock(c.warmup);
  while (client.recv()) clock.frame();
  report(clock.report());
  return 0;
}

void netgear_sender(const Config& c, int pattern, bool secure, const std::string& port, const cv::Mat& frame) {
  netgear::Options options = options_for(c, secure);
  options.jpeg_compression = c.jpeg;
  netgear::NetGear server("127.0.0.1", port, "tcp", pattern, false, false, options);
  auto& sender = server.sender();
  if (pattern == 2) sender.wait_for_receiver(seconds(10));
  for (int i = 0; i < c.frames + c.warmup;) {
    auto status = sender.send(frame).status;
    if (status == netgear::SendStatus::dropped) continue;  // lossless: offer the frame again
    ++i;
  }
  server.close();
}

// ---- raw libzmq: the same messages, no netgear logic ---------------------------

const std::string kHeader =
    R"({"terminate_flag": false, "compression": false, "message": null, "pattern": "0", "dtype": "uint8", "shape": [720, 1280, 3]})";

// CURVE on a raw socket with the store's keys (no ZAP handler: libzmq admits
// any client that knows the server key, the cheapest StoneHouse there is).
void raw_curve(zmq::socket_t& socket, const Config& c, bool server) {
  const netgear::KeyStore store = netgear::KeyStore::at(c.key_location);
  const auto own = store.secret_pair(server ? "server" : "client");
  if (server) socket.set(zmq::sockopt::curve_server, 1);
  else socket.set(zmq::sockopt::curve_serverkey, store.public_key("server"));
  socket.set(zmq::sockopt::curve_publickey, own.public_key);
  socket.set(zmq::sockopt::curve_secretkey, own.secret_key);
}

int raw_receiver(const Config& c, int pattern, bool secure, const Report& report) {
  zmq::context_t ctx;
  const auto type = pattern == 0 ? zmq::socket_type::pair : pattern == 1 ? zmq::socket_type::rep : zmq::socket_type::sub;
  zmq::socket_t socket(ctx, type);
  if (secure) raw_curve(socket, c, true);
  if (pattern == 2) {
    socket.set(zmq::sockopt::rcvhwm, 1);
    socket.set(zmq::sockopt::subscribe, "");
  }
  socket.bind("tcp://127.0.0.1:*");
  report(socket.get(zmq::sockopt::last_endpoint));
  Clock clock(c.warmup);
  for (;;) {
    zmq::message_t header, payload;
    (void)socket.recv(header);
    if (!header.more()) break;  // the one-part end message
    (void)socket.recv(payload);
    if (pattern != 2) socket.send(zmq::str_buffer("Data received on device: RAW00000 !"), zmq::send_flags::none);
    clock.frame();
  }
  if (pattern == 1) socket.send(zmq::str_buffer("end"), zmq::send_flags::none);
  report(clock.report());
  return 0;
}

void raw_sender(const Config& c, int pattern, bool secure, const std::string& endpoint, const cv::Mat& frame) {
  zmq::context_t ctx;
  const auto type = pattern == 0 ? zmq::socket_type::pair : pattern == 1 ? zmq::socket_type::req : zmq::socket_type::xpub;
  zmq::socket_t socket(ctx, type);
  if (secure) raw_curve(socket, c, false);
  socket.set(zmq::sockopt::linger, 1000);
  if (pattern == 2) {
    socket.set(zmq::sockopt::sndhwm, 1);
    socket.set(zmq::sockopt::xpub_nodrop, 1);
  }
  socket.connect(endpoint);
  zmq::message_t reply;
  if (pattern == 2) (void)socket.recv(reply);  // the subscription
  auto send_part = [&](zmq::const_buffer buffer, zmq::send_flags flags) {
    while (!socket.send(buffer, flags | zmq::send_flags::dontwait)) {  // XPUB_NODROP: full pipe
    }
  };
  for (int i = 0; i < c.frames + c.warmup; ++i) {
    send_part(zmq::buffer(kHeader), zmq::send_flags::sndmore);
    // Zero-copy like netgear's default copy=false.
    zmq::message_t payload(frame.data, frame.total() * frame.elemSize(), nullptr, nullptr);
    (void)socket.send(payload, zmq::send_flags::dontwait);
    if (pattern != 2) (void)socket.recv(reply);
  }
  send_part(zmq::str_buffer("end"), zmq::send_flags::none);
  if (pattern == 1) (void)socket.recv(reply);
}

// ---- one case ------------------------------------------------------------------

using ReceiverBody = std::function<int(const Report&)>;
using SenderBody = std::function<void(const std::string& endpoint)>;

Measured run_case(const ReceiverBody& receive, const SenderBody& send) {
  netgear::tools::Child child(receive);
  auto endpoint = child.read_line(seconds(10));
  if (!endpoint) throw std::runtime_error("the receiver process did not start");
  send(*endpoint);
  auto result = parse(child.read_line(seconds(120)));
  child.wait(seconds(10));
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"netgear throughput over tcp loopback, next to raw libzmq"};
  Config c;
  app.add_option("--frames", c.frames, "timed frames per case")->check(CLI::Range(10, 1000000));
  app.add_option("--warmup", c.warmup, "frames sent before timing starts")->check(CLI::Range(1, 100000));
  app.add_option("--width", c.width)->check(CLI::Range(16, 8192));
  app.add_option("--height", c.height)->check(CLI::Range(16, 8192));
  app.add_option("--patterns", c.patterns, "patterns to measure")->check(CLI::Range(0, 2));
  app.add_flag("--json", c.as_json, "print JSON instead of a table");
  app.add_flag("--jpeg", c.jpeg, "netgear sends JPEG q90 (encode and decode included; no raw ceiling)");
  app.add_flag("--secure", c.secure, "also measure netgear with secure_mode 1 (StoneHouse, CURVE)");
  CLI11_PARSE(app, argc, argv);

  std::unique_ptr<char, void (*)(char*)> key_dir(nullptr, [](char* dir) {
    std::filesystem::remove_all(dir);
    std::free(dir);
  });
  if (c.secure) {  // one store for both processes, made before they start
    key_dir.reset(::strdup((std::filesystem::temp_directory_path() / "netgear-bench-XXXXXX").c_str()));
    if (!::mkdtemp(key_dir.get())) throw std::runtime_error("cannot create a temporary key folder");
    c.key_location = key_dir.get();
    netgear::KeyStore::at(c.key_location).generate();
  }

  const cv::Mat frame = camera_like(c.width, c.height);
  const double mb = static_cast<double>(frame.total() * frame.elemSize()) / 1e6;
  const char* names[] = {"PAIR", "REQ/REP", "PUB/SUB"};

  json results = json::array();
  if (!c.as_json)
    std::printf("netgear throughput: %dx%dx3 uint8 frames (%.2f MB) over tcp loopback, %d timed frames per case,\n"
                "sender and receiver in separate processes; ceiling = raw libzmq, same messages and replies\n"
                "%s\n\n"
                "%-8s %12s %10s %12s %10s %9s%s\n",
                c.width, c.height, mb, c.frames,
                c.jpeg ? "netgear frames are JPEG q90 4:2:2 (encode + decode included; MB/s of raw pixels)" : "",
                "pattern", "netgear fps", "MB/s", "raw zmq fps", "MB/s",
                "ours/raw", c.secure ? "  StoneHouse fps      MB/s  raw CURVE fps  ours/raw" : "");
  for (int pattern : c.patterns) {
    auto measure = [&](bool secure) {
      return run_case([&](const Report& r) { return netgear_receiver(c, pattern, secure, r); },
                      [&](const std::string& ep) {
                        netgear_sender(c, pattern, secure, ep.substr(ep.rfind(':') + 1), frame);
                      });
    };
    auto ours = measure(false);
    Measured secured;
    if (c.secure) secured = measure(true);
    Measured raw;
    if (!c.jpeg)
      raw = run_case([&](const Report& r) { return raw_receiver(c, pattern, false, r); },
                     [&](const std::string& ep) { raw_sender(c, pattern, false, ep, frame); });
    Measured raw_secured;
    if (c.secure && !c.jpeg)
      raw_secured = run_case([&](const Report& r) { return raw_receiver(c, pattern, true, r); },
                             [&](const std::string& ep) { raw_sender(c, pattern, true, ep, frame); });
    const double ratio = raw.fps() > 0 ? ours.fps() / raw.fps() : 0;
    results.push_back({{"pattern", pattern},
                       {"frame", {c.height, c.width, 3}},
                       {"netgear_fps", ours.fps()},
                       {"netgear_frames", ours.frames},
                       {"raw_fps", raw.fps()},
                       {"raw_frames", raw.frames},
                       {"ratio", ratio}});
    if (c.secure) {
      results.back()["stonehouse_fps"] = secured.fps();
      results.back()["stonehouse_frames"] = secured.frames;
      results.back()["raw_curve_fps"] = raw_secured.fps();
    }
    char secure_columns[96] = "";
    if (c.secure && c.jpeg)  // no raw ceiling for compressed frames
      std::snprintf(secure_columns, sizeof secure_columns, "  %14.1f %9.1f %14s %11s", secured.fps(),
                    secured.fps() * mb, "-", "-");
    else if (c.secure)
      std::snprintf(secure_columns, sizeof secure_columns, "  %14.1f %9.1f %14.1f %11.2f", secured.fps(),
                    secured.fps() * mb, raw_secured.fps(), raw_secured.fps() > 0 ? secured.fps() / raw_secured.fps() : 0);
    if (!c.as_json && c.jpeg)
      std::printf("%-8s %12.1f %10.1f %12s %10s %9s%s\n", names[pattern], ours.fps(), ours.fps() * mb, "-", "-", "-",
                  secure_columns);
    else if (!c.as_json)
      std::printf("%-8s %12.1f %10.1f %12.1f %10.1f %9.2f%s\n", names[pattern], ours.fps(), ours.fps() * mb, raw.fps(),
                  raw.fps() * mb, ratio, secure_columns);
    std::fflush(stdout);
  }
  if (c.as_json) std::printf("%s\n", results.dump(2).c_str());
  return 0;
}
