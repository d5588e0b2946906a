#include "throughput/python_peer.hpp"

#include <chrono>
#include <stdexcept>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#include "bench_stats.hpp"
#include "throughput/runs.hpp"
#include "throughput/spawn.hpp"

namespace netgear::bench {
namespace {

using namespace std::chrono;

constexpr const char* kSilenceSeconds = "15";  // each peer gives up after this long without progress

// A failure of a peer, with the end of its stderr (its traceback).
[[noreturn]] void fail(const Spawned& peer, const std::string& what) {
  const std::string tail = peer.stderr_tail();
  throw std::runtime_error(tail.empty() ? what : what + "\n" + tail);
}

// expect_line, with the end of the peer's stderr in the error.
std::string line_of(Spawned& peer, milliseconds timeout, const std::string& what) {
  try {
    return expect_line(peer, timeout, what);
  } catch (const std::runtime_error& e) {
    fail(peer, e.what());
  }
}

// Both peers' figures lines, the sender's first. Meanwhile the receiver is
// watched too: if it fails or dies, the run fails at once, not when the
// sender, waiting for replies that never come, gives up after its silence.
std::pair<json, json> figures_of(Spawned& sender, Spawned& receiver, milliseconds budget) {
  const auto deadline = steady_clock::now() + budget;
  std::optional<std::string> sent, got;
  while (!sent) {
    if (steady_clock::now() > deadline) fail(sender, "pyzmq sender: no figures within the deadline");
    sent = sender.read_line(milliseconds(100));
    if (!sent && sender.closed()) fail(sender, "pyzmq sender: exited without its figures");
    if (!got) got = receiver.read_line(milliseconds(0));
    if (got ? got->rfind("error: ", 0) == 0 : receiver.closed())
      fail(receiver, "pyzmq receiver: " + (got ? got->substr(7) : std::string("exited without its figures")));
  }
  if (sent->rfind("error: ", 0) == 0) fail(sender, "pyzmq sender: " + sent->substr(7));
  if (!got) got = line_of(receiver, seconds(30), "pyzmq receiver");
  return {json::parse(*sent), json::parse(*got)};
}

// "480,640,3" / "480,640": the numpy shape.
std::string shape_arg(const Size& s) {
  std::string text = std::to_string(s.height) + "," + std::to_string(s.width);
  return s.channels == 1 ? text : text + "," + std::to_string(s.channels);
}

double lifetime_cpu(const rusage& u) {
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(u.ru_utime) + seconds(u.ru_stime);
}

double rss_mib(const rusage& u) { return static_cast<double>(u.ru_maxrss) / 1024.0; }  // Linux: KiB

}  // namespace

std::optional<std::string> python_unavailable(const Config& c) {
  if (::access(c.python_exe.c_str(), X_OK) != 0) return c.python_exe + " is not there";
  if (::access(c.python_script.c_str(), R_OK) != 0) return c.python_script + " is not there";
  try {
    Spawned probe({c.python_exe, "-c", "import numpy, zmq"}, c.work_dir + "/pyzmq-probe.err");
    if (probe.wait(seconds(30)).code != 0)
      return c.python_exe + " cannot import zmq and numpy (" + probe.stderr_tail(1) + ")";
  } catch (const std::exception& e) {
    return e.what();
  }
  return std::nullopt;
}

std::optional<std::string> python_skips(const Config& c, const Case& k) {
  if (k.mode != Mode::process || (k.protocol != "tcp" && k.protocol != "ipc"))
    return "the pyzmq peer runs in process mode over tcp and ipc";
  if (c.codec() != Codec::none) return "the pyzmq peer sends raw frames only";
  if (k.secure) return "the pyzmq peer has no CURVE";
  if (c.process_ms > 0 || c.send_fps > 0) return "the pyzmq peer has no --process-ms or --send-fps";
  return std::nullopt;
}

Figures run_python(const Config& c, const Case& k) {
  static int run = 0;  // stderr files of this run, kept in the work folder until the end
  const std::string err_path = c.work_dir + "/pyzmq" + std::to_string(++run);
  const std::vector<std::string> common = {
      "--pattern", std::to_string(k.pattern), "--shape",  shape_arg(k.size),         "--dtype",
      k.size.dtype(), "--warmup", std::to_string(c.warmup), "--frames", std::to_string(c.frames),
      "--silence", kSilenceSeconds};
  auto argv = [&](const char* mode, const char* flag, const std::string& value) {
    std::vector<std::string> a = {c.python_exe, c.python_script, mode, flag, value};
    a.insert(a.end(), common.begin(), common.end());
    return a;
  };
  const std::string bind = k.protocol == "ipc" ? "ipc://" + fresh_ipc_path(c, "py") : "tcp://127.0.0.1:*";
  Spawned receiver(argv("recv", "--bind", bind), err_path + "-recv.err");
  const std::string endpoint =
      json::parse(line_of(receiver, seconds(30), "pyzmq receiver start")).at("endpoint").get<std::string>();
  Spawned sender(argv("send", "--endpoint", endpoint), err_path + "-send.err");
  const auto [sent, got] = figures_of(sender, receiver, run_budget(c));
  const auto sender_exit = sender.wait(seconds(10));
  const auto receiver_exit = receiver.wait(seconds(10));
  if (sender_exit.code != 0) throw std::runtime_error("pyzmq sender exited with " + std::to_string(sender_exit.code));
  if (receiver_exit.code != 0)
    throw std::runtime_error("pyzmq receiver exited with " + std::to_string(receiver_exit.code));

  const auto p = percentiles(got.at("latency_ms_samples").get<std::vector<double>>());
  Figures f;
  f.receiver = {{"frames", got.at("frames")},
                {"seconds", got.at("seconds")},
                {"cpu", got.at("cpu")},
                {"rss_mib", rss_mib(receiver_exit.usage)},
                {"latency_ms", {{"p50", p.p50}, {"p99", p.p99}, {"max", p.max}}}};
  f.sender = {{"frames", sent.at("frames")}, {"cpu", sent.at("cpu")}, {"rss_mib", rss_mib(sender_exit.usage)}};
  f.extra = {{"lifetime_cpu_s",
              {{"sender", lifetime_cpu(sender_exit.usage)}, {"receiver", lifetime_cpu(receiver_exit.usage)}}}};
  f.ran = true;
  return f;
}

}  // namespace netgear::bench
