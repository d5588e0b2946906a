#pragma once
// What a benchmark side measures: the receiver's clock, latencies and CPU
// over the timed frames, the sender's CPU; each reports one JSON object.
// The meters are used by the thread that does the side's work: with
// CpuScope::thread they read that thread's CPU clock.
#include <chrono>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_stats.hpp"

namespace netgear::bench {

using json = nlohmann::json;
using std::chrono::duration;
using std::chrono::steady_clock;
using std::chrono::system_clock;

/// Whose CPU time a meter reads: the whole process (each side in its own
/// process) or the calling thread (both sides as threads of one process).
enum class CpuScope { process, thread };

inline double cpu_seconds(CpuScope scope) { return scope == CpuScope::thread ? thread_cpu_seconds() : cpu_seconds(); }

// The receiver's clock: starts at the last warm-up frame; collects latencies
// of the timed frames and the CPU time up to the last one. Its report:
// frames, seconds, cpu (of its scope), rss_mib, latency_ms {p50, p99, max};
// with CpuScope::thread also process_cpu, the whole process's CPU over the
// same frames (both sides, every thread).
class ReceiverMeter {
 public:
  ReceiverMeter(int warmup, int frames, CpuScope scope) : warmup_(warmup), scope_(scope) {
    latencies_ms_.reserve(static_cast<std::size_t>(frames));
  }

  void frame(system_clock::time_point sent_at) {
    const auto now = system_clock::now();
    if (++seen_ <= warmup_) {
      if (seen_ == warmup_) start(steady_clock::now());
      return;
    }
    latencies_ms_.push_back(duration<double, std::milli>(now - sent_at).count());
    last_ = steady_clock::now();
    cpu_last_ = cpu_seconds(scope_);
    if (scope_ == CpuScope::thread) process_cpu_last_ = cpu_seconds();
  }

  [[nodiscard]] json report() const {
    const auto p = netgear::bench::percentiles(latencies_ms_);
    json figures = {{"frames", latencies_ms_.size()},
                    {"seconds", duration<double>(last_ - start_).count()},
                    {"cpu", cpu_last_ - cpu_start_},
                    {"rss_mib", peak_rss_mib()},
                    {"latency_ms", {{"p50", p.p50}, {"p99", p.p99}, {"max", p.max}}}};
    if (scope_ == CpuScope::thread) figures["process_cpu"] = process_cpu_last_ - process_cpu_start_;
    return figures;
  }

 private:
  void start(steady_clock::time_point now) {
    start_ = last_ = now;
    cpu_start_ = cpu_last_ = cpu_seconds(scope_);
    process_cpu_start_ = process_cpu_last_ = cpu_seconds();
  }

  int warmup_;
  CpuScope scope_;
  int seen_ = 0;
  steady_clock::time_point start_, last_;
  double cpu_start_ = 0, cpu_last_ = 0;
  double process_cpu_start_ = 0, process_cpu_last_ = 0;
  std::vector<double> latencies_ms_;
};

// The sender's meter: CPU (of its scope) from the end of the warm-up sends to
// the last send. Its report: frames, cpu, rss_mib.
class SenderMeter {
 public:
  SenderMeter(int warmup, CpuScope scope) : warmup_(warmup), scope_(scope) {}
  void sent() {
    if (++sent_ == warmup_) cpu_start_ = cpu_seconds(scope_);
  }
  [[nodiscard]] json report() const {
    return {{"frames", sent_ - warmup_}, {"cpu", cpu_seconds(scope_) - cpu_start_}, {"rss_mib", peak_rss_mib()}};
  }

 private:
  int warmup_;
  CpuScope scope_;
  int sent_ = 0;
  double cpu_start_ = 0;
};

}  // namespace netgear::bench
