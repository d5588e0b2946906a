#pragma once
/// \file
/// The closed sets of choices netgear knows: messaging pattern, transport,
/// security level, receiver overflow policy. Each has a parser from the
/// vidgear spelling that throws OptionError naming the valid values.

#include <optional>
#include <string>
#include <string_view>

// The public API: exported from libnetgear.so (symbols are hidden by default).
#pragma GCC visibility push(default)
namespace netgear {

/// ZeroMQ messaging pattern; the numbers are vidgear's `pattern` values.
enum class Pattern : int {
  pair = 0,     ///< PAIR <-> PAIR, one reply per frame
  req_rep = 1,  ///< REQ -> REP, one reply per frame
  pub_sub = 2,  ///< PUB -> SUB, no reply; slow receivers lose frames
};

/// Transport of the endpoint `<protocol>://<address>:<port>`.
enum class Protocol { tcp, ipc, inproc, pgm, epgm };

/// CurveZMQ security (vidgear `secure_mode`).
enum class SecureMode : int { grasslands = 0, stonehouse = 1, ironhouse = 2 };

/// What a receiver does when frames arrive faster than recv() takes them.
enum class OverflowPolicy {
  block,        ///< stop reading the socket: the sender is paced, nothing is lost (PAIR, REQ/REP)
  drop_oldest,  ///< discard the oldest queued frame to make room (counted as dropped)
  latest_only,  ///< keep only the newest frame: recv() never returns a stale one
};

/// Which side of the stream an object is.
enum class Role { sender, receiver };

/// Parses vidgear's pattern number; throws OptionError("pattern") otherwise.
Pattern pattern_from_int(int value);
/// Parses "tcp", "ipc", "inproc", "pgm", "epgm"; "udp" and anything else throw
/// OptionError("protocol") explaining why.
Protocol protocol_from_string(std::string_view name);
/// Parses "block", "drop_oldest", "latest_only"; throws OptionError("overflow_policy").
OverflowPolicy overflow_policy_from_string(std::string_view name);

std::string_view to_string(Pattern pattern) noexcept;
std::string_view to_string(Protocol protocol) noexcept;
std::string_view to_string(OverflowPolicy policy) noexcept;

}  // namespace netgear
#pragma GCC visibility pop
