#pragma once
// Small measuring helpers of the benchmarks: percentiles of latency samples,
// this process's CPU time and peak resident set (getrusage), and the calling
// thread's CPU time (CLOCK_THREAD_CPUTIME_ID).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include <sys/resource.h>
#include <time.h>

namespace netgear::bench {

/// p50 / p99 / max of a set of samples (same unit as the samples).
struct Percentiles {
  double p50 = 0;
  double p99 = 0;
  double max = 0;
};

/// The q-quantile (0 < q <= 1) of sorted samples by nearest rank; 0 if none.
inline double nearest_rank(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

/// Sorts the samples (a few thousand at most here) and reads the percentiles.
inline Percentiles percentiles(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  Percentiles p;
  p.p50 = nearest_rank(samples, 0.50);
  p.p99 = nearest_rank(samples, 0.99);
  p.max = samples.empty() ? 0 : samples.back();
  return p;
}

/// User + system CPU seconds this process (all its threads) has used so far.
inline double cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

/// User + system CPU seconds the calling thread has used so far (not the
/// process's other threads, such as ZeroMQ's I/O thread).
inline double thread_cpu_seconds() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

/// Peak resident set size of this process so far in MiB (Linux reports KiB).
inline double peak_rss_mib() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

}  // namespace netgear::bench
