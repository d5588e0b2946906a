#pragma once
// A warning that a peer can trigger at will (a malformed message, a refused
// CURVE client) is logged the first few times, then at most once per
// interval, saying how many were left out; counters keep the totals. One
// limiter per kind of warning, used by one thread (not thread-safe).

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace netgear::detail {

class LogLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  /// Logs the first `burst` events (at least one), then one per `interval`.
  LogLimiter(std::size_t burst, Clock::duration interval) : burst_(burst), interval_(interval) {}

  /// Called for each event at `now`: true when this one is to be logged;
  /// then `suppressed` is how many were not logged since the last one that was.
  [[nodiscard]] bool allow(Clock::time_point now, std::uint64_t& suppressed) noexcept {
    if (logged_ < burst_ || logged_ == 0 || now - last_ >= interval_) {
      ++logged_;
      last_ = now;
      suppressed = pending_;
      pending_ = 0;
      return true;
    }
    ++pending_;
    return false;
  }

 private:
  std::size_t burst_;
  Clock::duration interval_;
  std::uint64_t logged_ = 0;
  std::uint64_t pending_ = 0;  // events not logged since the last that was
  Clock::time_point last_{};
};

}  // namespace netgear::detail
