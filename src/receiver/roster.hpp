#pragma once
// Multi-server bookkeeping of a receiver: which senders (by port label) have
// delivered frames and which have terminated, and so when the stream is over.
// vidgear ends once every sender that delivered a frame has terminated; so do
// we, except that a termination arriving before any frame does not end the
// stream unless every configured port has terminated (vidgear ends at once).
//
// Labels come from the network, so the roster is bounded: a label is a string
// or an integer of at most max_label_bytes, at most max_senders labels are
// known at once, only a valid frame makes a label known, and a termination
// from an unknown label records nothing (only the configured ports' are kept).

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace netgear::detail {

class Roster {
 public:
  /// Most distinct senders known at once; a frame from one more is refused.
  static constexpr std::size_t max_senders = 1024;
  /// Longest port label, in bytes (vidgear's labels are port numbers).
  static constexpr std::size_t max_label_bytes = 64;

  explicit Roster(std::vector<std::string> configured) : configured_(configured.begin(), configured.end()) {}

  /// A port label as a string ("5566" and 5566 are the same sender), or
  /// nullopt when `port` is not a string or an integer of at most
  /// max_label_bytes (the caller drops the message as malformed).
  static std::optional<std::string> label(const nlohmann::json& port) {
    std::string text;
    if (port.is_string()) {
      text = port.get<std::string>();
    } else if (port.is_number_integer()) {
      text = port.dump();
    } else {
      return std::nullopt;
    }
    if (text.size() > max_label_bytes) return std::nullopt;
    return text;
  }

  /// Whether a frame from `port` can be recorded: a known sender, or room for
  /// one more.
  [[nodiscard]] bool admits(const std::string& port) const {
    return active_.count(port) || active_.size() < max_senders;
  }

  /// Records a valid frame from `port` (admits() must be true).
  void frame_from(const std::string& port) {
    active_.insert(port);
    terminated_.erase(port);
    delivered_any_ = true;
  }

  /// Records a termination; true when the stream is now over.
  bool terminate(const std::string& port) {
    active_.erase(port);
    if (configured_.count(port)) terminated_.insert(port);  // bounded by the configured ports
    if (!active_.empty()) return false;
    if (delivered_any_ || all_configured_terminated()) return true;
    return false;
  }

  /// Senders that delivered a frame and have not terminated.
  [[nodiscard]] std::size_t active() const noexcept { return active_.size(); }
  /// Configured ports that terminated before delivering (bounded by them).
  [[nodiscard]] std::size_t terminated() const noexcept { return terminated_.size(); }

 private:
  [[nodiscard]] bool all_configured_terminated() const {
    for (const auto& p : configured_)
      if (!terminated_.count(p)) return false;
    return !configured_.empty();
  }

  std::set<std::string> configured_;
  std::set<std::string> active_;
  std::set<std::string> terminated_;
  bool delivered_any_ = false;
};

}  // namespace netgear::detail
