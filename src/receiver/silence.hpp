#pragma once
// How long a receiver's I/O thread waits for the next message before ending
// the stream: receive_timeout if set; on PUB/SUB subscriber_timeout; else
// vidgear's 3 x request_timeout per retry (no limit with max_retries < 0).
// The product saturates at max_silence, so no accepted option can overflow
// it, or the deadline computed from it.

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>

#include "netgear/options.hpp"

namespace netgear::detail {

/// Longest silence limit: 100 years. A steady_clock deadline (nanoseconds in
/// 64 bits, about 292 years) computed from it cannot overflow.
inline constexpr Milliseconds max_silence = std::chrono::hours(24 * 365 * 100);

/// `d` * `factor`, saturated at max_silence (negative inputs count as 0).
constexpr Milliseconds saturating_times(Milliseconds d, std::int64_t factor) {
  const std::int64_t ms = std::max<std::int64_t>(0, d.count()), n = std::max<std::int64_t>(0, factor);
  const std::int64_t cap = max_silence.count();
  if (n != 0 && ms > cap / n) return max_silence;
  return Milliseconds(std::min(ms * n, cap));
}

/// The silence limit of a receiver with `settings`; nullopt: none.
inline std::optional<Milliseconds> silence_limit(const Settings& s) {
  const Options& o = s.options;
  if (o.receive_timeout) return std::min(*o.receive_timeout, max_silence);
  if (s.pattern == Pattern::pub_sub) {
    if (!o.subscriber_timeout) return std::nullopt;
    return std::min(*o.subscriber_timeout, max_silence);
  }
  if (o.max_retries < 0) return std::nullopt;
  return saturating_times(o.request_timeout, 3 * static_cast<std::int64_t>(std::max(1, o.max_retries)));
}

}  // namespace netgear::detail
