#pragma once
// The live status of a long-running command (send, recv, demo): rates over
// the last second, latency percentiles, loss counters, and the summary at the
// end, as a one-line status on a terminal, a line per second, or JSON lines.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "netgear/receiver.hpp"
#include "netgear/sender.hpp"

namespace netgear::tools {

/// Latency samples in milliseconds, kept in log-spaced buckets (2 % wide), so
/// percentiles of a stream of any length cost constant memory.
class LatencyHistogram {
 public:
  void add(double ms);
  void clear();
  [[nodiscard]] std::uint64_t count() const noexcept { return count_; }
  /// The p-quantile (0..1) within 2 %; 0 when empty.
  [[nodiscard]] double percentile(double p) const;
  [[nodiscard]] double max() const noexcept { return max_; }

 private:
  std::vector<std::uint64_t> buckets_;
  std::uint64_t count_ = 0;
  double max_ = 0;
};

/// Counters of one side at one instant, cumulative since the start.
struct Counters {
  std::uint64_t frames = 0;    ///< frames sent / received
  std::uint64_t bytes = 0;     ///< payload bytes (as on the wire)
  std::uint64_t dropped = 0;   ///< frames lost to a lagging peer or a full queue
  std::uint64_t bad = 0;       ///< malformed messages (receiver)
  std::uint64_t timeouts = 0;  ///< replies that did not come (sender)
  std::uint64_t queued = 0;    ///< frames waiting in the receiver's queue now
};

/// A side's statistics as the counters its status shows.
Counters counters_of(const SenderStats& s);
Counters counters_of(const ReceiverStats& s);

/// Where the status goes.
enum class StatusStyle {
  terminal,  ///< one line on stderr, rewritten in place; nothing if stderr is not a terminal
  lines,     ///< one line per period on stdout (the demo)
  json,      ///< one JSON object per period on stdout ({"event": "status", ...})
  quiet,     ///< nothing until the summary
};

/// Rates and percentiles of one side ("sender", "receiver"), printed every period.
class StatusReporter {
 public:
  StatusReporter(std::string side, StatusStyle style, std::chrono::milliseconds period = std::chrono::seconds(1));

  /// One latency sample (ms): receiver, header timestamp to recv() return;
  /// sender, send() to reply.
  void latency(double ms);
  /// The receiver's one-way sample of a received frame: from the sender's
  /// header timestamp to now. Nothing for a frame without one (a vidgear sender).
  void one_way_latency(const Received& got);
  /// Prints a status if a period has passed since the last one. Cheap otherwise.
  void update(const Counters& now);
  /// Shows data that rode with the frames (the sender's message, the
  /// receiver's reply) as `what`: a {"event": "data"} line in JSON style,
  /// else a line "<side>: <what> <JSON>" (cut to 200 characters, non-ASCII
  /// and control characters escaped: it comes from the peer). Call it when
  /// the value changes, not per frame.
  void note(const std::string& what, const nlohmann::json& value);
  /// The latest status object (also what the browser viewer shows).
  [[nodiscard]] const nlohmann::json& last() const noexcept { return last_; }
  /// The whole-run summary object, with `extra` merged in; printed as text (a
  /// block on stdout) or as {"event": "summary", ...} in JSON style. Its rates
  /// are over the stream — first frame to last ("streaming_s"), as update()
  /// saw them come — so a receiver started long before its sender reports the
  /// stream's own rate. Without update() calls they are over the whole run,
  /// "elapsed_s".
  nlohmann::json finish(const Counters& now, const nlohmann::json& extra);

 private:
  nlohmann::json status(const Counters& now, std::chrono::steady_clock::time_point at);
  void print_status(const nlohmann::json& s);
  void track_stream(const Counters& now, std::chrono::steady_clock::time_point at);

  std::string side_;
  StatusStyle style_;
  bool live_;  // terminal style and stderr is a terminal
  std::chrono::milliseconds period_;
  std::chrono::steady_clock::time_point start_, window_start_, next_;
  Counters window_base_;
  // When the first and the latest frame were counted (frames_seen_ > 0).
  std::chrono::steady_clock::time_point first_frame_at_, last_frame_at_;
  std::uint64_t frames_seen_ = 0;
  LatencyHistogram window_latency_, total_latency_;
  nlohmann::json last_ = nlohmann::json::object();
};

/// The one-line text form of a status object (as StatusReporter prints it).
std::string format_status_line(const std::string& side, const nlohmann::json& s);

}  // namespace netgear::tools
