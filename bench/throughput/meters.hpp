#pragma once
// What a benchmark child measures: the receiver's clock, latencies and CPU
// over the timed frames, the sender's CPU; each reports one JSON object.
#include <chrono>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_stats.hpp"

namespace netgear::bench {

using json = nlohmann::json;
using std::chrono::duration;
using std::chrono::steady_clock;
using std::chrono::system_clock;

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

}  // namespace netgear::bench
