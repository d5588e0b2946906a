#pragma once
// What the fault tests share: starting fault_peer (its path comes from the
// build as FAULT_PEER), reading its frame lines, naming pattern parameters.

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "faults/peer_process.hpp"
#include "netgear/types.hpp"

namespace netgear::faults {

using namespace std::chrono_literals;

inline Clock::time_point after(Clock::duration d) { return Clock::now() + d; }

inline std::string pattern_arg(Pattern p) { return std::to_string(static_cast<int>(p)); }

/// fault_peer's command line: the program, then `args`.
inline std::vector<std::string> peer_args(const std::vector<std::string>& args) {
  std::vector<std::string> all(args.size() + 1);
  all[0] = FAULT_PEER;
  std::copy(args.begin(), args.end(), all.begin() + 1);
  return all;
}

/// A receiver peer's bound endpoint (its first line); fails the test if it does not come.
inline std::string read_endpoint(PeerProcess& peer) {
  auto line = peer.read_line_starting("endpoint ", after(10s));
  EXPECT_TRUE(line) << "the receiver peer did not report its endpoint";
  return line ? line->substr(9) : std::string();
}

/// One "frame ..." line of a receiver peer.
struct FrameLine {
  long long gen = -1, seq = -1;
  bool ok = false;
  std::optional<long long> behind;
};

inline std::optional<FrameLine> parse_frame(const std::string& line) {
  if (line.rfind("frame ", 0) != 0) return std::nullopt;
  FrameLine f{number(line, "gen"), number(line, "seq"), number(line, "ok") == 1, std::nullopt};
  if (field(line, "behind")) f.behind = number(line, "behind");
  return f;
}

inline std::string pattern_name(const ::testing::TestParamInfo<Pattern>& info) {
  const char* names[] = {"pair", "reqrep", "pubsub"};
  return names[static_cast<int>(info.param)];
}

inline double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

}  // namespace netgear::faults
