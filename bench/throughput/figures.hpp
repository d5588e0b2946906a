#pragma once
// Figures of one implementation in one case, as its two sides reported them,
// and what the table and the JSON output derive from them.
#include <nlohmann/json.hpp>

#include "throughput/cases.hpp"

namespace netgear::bench {

using json = nlohmann::json;

struct Figures {
  bool ran = false;
  // frames, seconds, cpu, rss_mib, latency_ms {p50, p99, max}; in threads
  // mode also process_cpu (every thread of the process, same frames).
  json receiver;
  json sender;  // frames, cpu, rss_mib
  json extra = json::object();  // implementation-specific keys for the JSON output

  [[nodiscard]] long frames() const { return ran ? receiver.at("frames").get<long>() : 0; }
  [[nodiscard]] double fps() const {
    const double s = ran ? receiver.at("seconds").get<double>() : 0;
    return s > 0 ? static_cast<double>(frames()) / s : 0;
  }
  /// CPU seconds per 1000 timed frames of one side (`key` "cpu", or
  /// "process_cpu" of a threads-mode receiver).
  [[nodiscard]] static double per_1000(const json& side, const char* key = "cpu") {
    const double n = side.at("frames").get<double>();
    return n > 0 ? side.at(key).get<double>() * 1000.0 / n : 0;
  }
};

/// netgear frames/s over another implementation's, or 0 if that one has none.
double ratio(const Figures& ours, const Figures& other);

/// A case's figures in the JSON output; null if it did not run. Threads
/// mode: CPU per side is the side's thread, plus the whole process's;
/// peak RSS is the process's, once.
json figures_json(const Config& c, const Case& k, const Figures& f);

}  // namespace netgear::bench
