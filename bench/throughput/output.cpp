#include "throughput/output.hpp"

#include <cstdio>
#include <fstream>
#include <thread>

#include <sys/utsname.h>

#include <opencv2/core/version.hpp>
#include <zmq.hpp>

namespace netgear::bench {
namespace {

std::string ratio_text(const std::optional<double>& r) {
  char text[16] = "";
  if (r) std::snprintf(text, sizeof text, "%.2f", *r);
  return text;
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

}  // namespace

const char* pattern_name(int pattern) {
  static const char* names[] = {"PAIR", "REQ/REP", "PUB/SUB"};
  return names[pattern];
}

void print_table_head(const Config& c, Mode mode, const std::vector<std::string>& notes) {
  const char* codec = c.codec() == Codec::jpeg  ? "; netgear frames are JPEG q90 4:2:2 (encode + decode included), no ceiling"
                      : c.codec() == Codec::png ? "; netgear frames are PNG (encode + decode included), no ceiling"
                                                : "";
  if (mode == Mode::process) {
    std::printf("netgear next to raw libzmq%s, sender and receiver in two processes:\n"
                "%d timed frames per run after %d warm-up; latency = send stamp to recv() return on the receiver;\n"
                "CPU = user+sys s per 1000 frames of each whole process (its ZeroMQ I/O thread included);\n"
                "RSS = peak MiB per process; MB/s of raw pixels%s\n",
                c.python ? " and plain pyzmq (vidgear 0.3's protocol in Python)" : "", c.frames, c.warmup, codec);
  } else {
    std::printf("netgear next to raw libzmq, sender and receiver as two threads of one process (one ZeroMQ context):\n"
                "%d timed frames per run after %d warm-up; latency = send stamp to recv() return on the receiver;\n"
                "cpu tx / cpu rx = user+sys s per 1000 frames of each side's own thread only: ZeroMQ's I/O thread\n"
                "and netgear's receive thread count in neither (netgear's rx thread takes frames from a queue, the\n"
                "raw one reads the socket itself); cpu all = the whole process (both sides, every thread) over the\n"
                "receiver's timed frames; rss = peak MiB of the process; MB/s of raw pixels%s\n",
                c.frames, c.warmup, codec);
  }
  for (const auto& note : notes) std::printf("note: %s\n", note.c_str());
  std::printf("\n");
  if (mode == Mode::process)
    std::printf("%-14s %-6s %-8s %-11s %9s %8s %7s %7s %7s %7s %7s %7s %7s %5s %8s %9s\n", "size", "proto", "pattern",
                "impl", "fps", "MB/s", "p50 ms", "p99 ms", "max ms", "cpu tx", "cpu rx", "rss tx", "rss rx", "lost",
                "ours/raw", "ours/py");
  else
    std::printf("%-14s %-6s %-8s %-11s %9s %8s %7s %7s %7s %7s %7s %7s %7s %5s %8s\n", "size", "proto", "pattern",
                "impl", "fps", "MB/s", "p50 ms", "p99 ms", "max ms", "cpu tx", "cpu rx", "cpu all", "rss", "lost",
                "ours/raw");
}

void print_row(const Config& c, const Case& k, const char* impl, const Figures& f, const Ratios& ratios) {
  const double mb = static_cast<double>(k.size.bytes()) / 1e6;
  const json& lat = f.receiver.at("latency_ms");
  std::printf("%-14s %-6s %-8s %-11s %9.1f %8.1f %7.3f %7.3f %7.3f %7.3f %7.3f ", k.size.label.c_str(),
              k.protocol.c_str(), pattern_name(k.pattern), impl, f.fps(), f.fps() * mb, lat.at("p50").get<double>(),
              lat.at("p99").get<double>(), lat.at("max").get<double>(), Figures::per_1000(f.sender),
              Figures::per_1000(f.receiver));
  if (k.mode == Mode::process)
    std::printf("%7.1f %7.1f %5ld %8s %9s\n", f.sender.at("rss_mib").get<double>(), f.receiver.at("rss_mib").get<double>(),
                c.frames - f.frames(), ratio_text(ratios.raw).c_str(), ratio_text(ratios.python).c_str());
  else
    std::printf("%7.3f %7.1f %5ld %8s\n", Figures::per_1000(f.receiver, "process_cpu"),
                f.receiver.at("rss_mib").get<double>(), c.frames - f.frames(), ratio_text(ratios.raw).c_str());
  std::fflush(stdout);
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

json config_json(const Config& c) {
  return {{"frames", c.frames},         {"warmup", c.warmup},       {"sizes", c.size_specs},
          {"patterns", c.patterns},     {"protocols", c.protocols}, {"modes", c.modes},
          {"codec", codec_name(c.codec())}, {"secure", c.secure},   {"python", c.python ? json(c.python_exe) : json(nullptr)},
          {"encode_threads", c.encode_threads}, {"policy", c.policy.empty() ? json(nullptr) : json(c.policy)},
          {"process_ms", c.process_ms}, {"send_fps", c.send_fps}};
}

}  // namespace netgear::bench
