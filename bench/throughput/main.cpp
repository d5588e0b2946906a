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
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <sys/utsname.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <zmq.hpp>

#include "netgear/keys.hpp"
#include "support/child.hpp"
#include "throughput/cases.hpp"
#include "throughput/sides.hpp"

namespace {

using namespace std::chrono;
using namespace netgear::bench;

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

// One of the two implementations a case compares, by its sides.hpp bodies.
struct Implementation {
  const char* ipc_prefix;   // its ipc socket names in the work folder
  const char* plain_name;   // in errors
  const char* secure_name;  // in errors, with --secure
  int (*receiver)(const Config&, const Case&, const std::string&, const Report&);
  json (*sender)(const Config&, const Case&, const std::string&, const cv::Mat&);
};

const Implementation kNetgear{"ng", "netgear", "netgear StoneHouse", netgear_receiver, netgear_sender};
const Implementation kRaw{"raw", "raw zmq", "raw CURVE", raw_receiver, raw_sender};

Figures measure(const Implementation& impl, const Config& c, const Case& k, const cv::Mat& frame) {
  const std::string ipc_path = fresh_ipc_path(c, impl.ipc_prefix);
  auto f = run_pair(
      c, [&](const Report& r) { return impl.receiver(c, k, ipc_path, r); },
      [&](const std::string& ep) { return impl.sender(c, k, ep, frame); });
  check_complete(c, k, f, k.secure ? impl.secure_name : impl.plain_name);
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
    const Figures ours = measure(kNetgear, c, k, frame);
    const Figures raw = ceiling ? measure(kRaw, c, k, frame) : Figures{};
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
