#pragma once
// The relay's counters per input stream (RelayStreamStats), kept by the
// relay's thread and read by stats() from any thread. Bounded by the input's
// roster (a stream is a sender the receiver admitted).

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "netgear/relay.hpp"
#include "relay/input_tap.hpp"

namespace netgear::relay {

class StreamBook {
 public:
  /// Counts a packet read from the input (a frame or a termination).
  void count(const Inbound& in) {
    std::lock_guard lock(mutex_);
    auto& s = streams_[in.packet.label];
    s.label = in.packet.label;
    s.dropped += in.note.lost_before;
    if (in.packet.termination()) return;
    ++s.frames;
    s.bytes += in.packet.payload->size();
    s.video = in.packet.video();
    if (in.note.has_sent) {
      const auto now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
      s.lag_ms = static_cast<double>(now_ns - in.note.sent_ns) / 1e6;
    }
  }

  /// The stream ended: its counters go (a new stream starts from zero).
  void forget(const std::string& label) {
    std::lock_guard lock(mutex_);
    streams_.erase(label);
  }

  [[nodiscard]] std::vector<std::string> labels() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& [label, s] : streams_) out.push_back(label);
    return out;
  }

  [[nodiscard]] std::vector<RelayStreamStats> stats() const {
    std::lock_guard lock(mutex_);
    std::vector<RelayStreamStats> out;
    for (const auto& [label, s] : streams_) out.push_back(s);
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, RelayStreamStats> streams_;
};

}  // namespace netgear::relay
