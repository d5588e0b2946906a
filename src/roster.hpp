#pragma once
// Multi-server bookkeeping of a receiver: which senders (by port label) have
// delivered frames and which have terminated, and so when the stream is over.
// vidgear ends once every sender that delivered a frame has terminated; so do
// we, except that a termination arriving before any frame does not end the
// stream unless every configured port has terminated (vidgear ends at once).

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace netgear::detail {

class Roster {
 public:
  explicit Roster(std::vector<std::string> configured) : configured_(configured.begin(), configured.end()) {}

  /// A port label as a string ("5566" and 5566 are the same sender).
  static std::string label(const nlohmann::json& port) {
    return port.is_string() ? port.get<std::string>() : port.dump();
  }

  void frame_from(const std::string& port) {
    active_.insert(port);
    terminated_.erase(port);
    delivered_any_ = true;
  }

  /// Records a termination; true when the stream is now over.
  bool terminate(const std::string& port) {
    active_.erase(port);
    terminated_.insert(port);
    if (!active_.empty()) return false;
    if (delivered_any_ || all_configured_terminated()) return true;
    return false;
  }

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
