// Mode::threads: one forked child runs the receiver on a thread of its own
// and, once that has bound, the sender on its main thread. Both sides reach
// the same ZeroMQ context (netgear's process-wide one, the raw side's
// raw_context()), which inproc needs. The child reports one JSON line:
// {"sender": {...}, "receiver": {...}}.
//
// A side that fails ends the child at once with an "error: " line: the other
// side may be blocked in a socket wait (up to its 15 s timeout) and a thread
// cannot be cancelled, so the child reports first and then _Exit()s without
// joining it. The parent bounds the whole child with run_budget().
#include <chrono>
#include <cstdlib>
#include <exception>
#include <future>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "bench_stats.hpp"
#include "support/child.hpp"
#include "throughput/runs.hpp"

namespace netgear::bench {
namespace {

using namespace std::chrono;

[[noreturn]] void fail_now(const Report& report, const std::string& what) {
  report("error: " + what);
  std::_Exit(1);
}

// The value of a future that must be ready within `timeout`, or fail_now.
std::string await(std::future<std::string>& future, milliseconds timeout, const Report& report,
                  const std::string& what) {
  if (future.wait_for(timeout) != std::future_status::ready) fail_now(report, what + ": nothing within the deadline");
  try {
    return future.get();
  } catch (const std::exception& e) {
    fail_now(report, what + ": " + e.what());
  }
}

// What the receiver failed with, if it has failed by now.
std::optional<std::string> failure_of(std::future<std::string>& receiver_line) {
  if (receiver_line.wait_for(seconds(0)) != std::future_status::ready) return std::nullopt;
  try {
    (void)receiver_line.get();
  } catch (const std::exception& e) {
    return e.what();
  }
  return std::nullopt;
}

// The body of the threads-mode child.
int both_sides(const Config& c, const Case& k, const Implementation& impl, const cv::Mat& frame,
               const std::string& local_name, const Report& report) {
  const std::string who = impl.name(k);
  // The receiver's two lines (endpoint, figures), or its exception in the
  // one it had not sent yet.
  std::promise<std::string> endpoint_line, figures_line;
  auto endpoint = endpoint_line.get_future();
  auto receiver_figures = figures_line.get_future();
  std::thread receiver([&] {
    int lines = 0;
    try {
      impl.receiver(c, k, local_name, [&](const std::string& line) {
        if (lines < 2) (lines++ == 0 ? endpoint_line : figures_line).set_value(line);
      });
      if (lines < 2) throw std::runtime_error("it ended without its figures");
    } catch (...) {
      if (lines < 2) (lines == 0 ? endpoint_line : figures_line).set_exception(std::current_exception());
    }
  });
  const std::string ep = await(endpoint, seconds(10), report, who + " receiver start");
  json sender;
  try {
    sender = impl.sender(c, k, ep, frame);
  } catch (const std::exception& e) {  // often the receiver's fault: say so
    const auto receiver_failure = failure_of(receiver_figures);
    fail_now(report, who + " sender: " + e.what() +
                         (receiver_failure ? "; " + who + " receiver: " + *receiver_failure : std::string()));
  }
  const std::string receiver_line = await(receiver_figures, seconds(30), report, who + " receiver");
  receiver.join();
  json figures = json::parse(receiver_line);
  // One process: both sides' peak RSS is the process's, at its end.
  sender["rss_mib"] = figures["rss_mib"] = peak_rss_mib();
  report(json{{"sender", sender}, {"receiver", figures}}.dump());
  return 0;
}

}  // namespace

Figures run_in_threads(const Config& c, const Case& k, const Implementation& impl, const cv::Mat& frame) {
  const std::string local_name = fresh_ipc_path(c, impl.ipc_prefix);
  netgear::tools::Child child(
      [&](const Report& report) { return both_sides(c, k, impl, frame, local_name, report); });
  const json both = json::parse(expect_line(child, run_budget(c), std::string(impl.name(k)) + " (threads)"));
  if (child.wait(seconds(10)) != 0)
    throw std::runtime_error(std::string(impl.name(k)) + ": the threads-mode process failed");
  Figures f;
  f.sender = both.at("sender");
  f.receiver = both.at("receiver");
  f.ran = true;
  return f;
}

}  // namespace netgear::bench
