#pragma once
// `netgear relay`'s figures: RelayStats as JSON (the --json lines and the
// summary), the rates between two readings, and the one-line status.

#include <chrono>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "netgear/relay.hpp"

namespace netgear::tools {

/// Every counter of `stats`: {"streams": [...], "viewers": [...], "push": [...], ...}.
nlohmann::json stats_json(const RelayStats& stats);

/// Turns successive readings into rates: each stream's and viewer's fps over
/// the last interval ("fps"), added to stats_json() with "event": "stats".
class RelayRates {
 public:
  nlohmann::json update(const RelayStats& stats, std::chrono::steady_clock::time_point now);

 private:
  std::chrono::steady_clock::time_point last_{};
  std::map<std::string, std::uint64_t> frames_;  // "s:<label>" / "v:<id>" -> frames at the last reading
};

/// "relay: in 30.0 fps from 1 stream | out 1500.0 fps to 50 viewers, 0 missed | ...".
std::string status_text(const nlohmann::json& line);

}  // namespace netgear::tools
