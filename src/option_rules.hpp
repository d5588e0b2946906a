#pragma once
// The rule of each option field, on its typed value: one function per kind of
// field, each throwing OptionError(key, problem). Options::set applies a
// field's rule to the value it read from JSON, Options::validate (and so
// Settings::validate, and every Sender and Receiver) to the typed field, so a
// value is refused with the same key and text whichever way it was given.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "netgear/error.hpp"
#include "netgear/types.hpp"

namespace netgear::detail::rules {

using Milliseconds = std::chrono::milliseconds;

/// A timeout's upper bound: far beyond any use (about 116 days), and low
/// enough that arithmetic on timeouts cannot overflow: the receiver's default
/// silence limit, 3 x request_timeout x max_retries (at most 1e6), is below
/// 2^55 ms.
inline constexpr long long kMaxTimeoutSeconds = 10'000'000;
inline constexpr Milliseconds kMaxTimeout{kMaxTimeoutSeconds * 1000};

/// jpeg_compression_quality's range (vidgear's).
inline constexpr long long kMinQuality = 10, kMaxQuality = 100;
/// Most bits per second video_bitrate takes (10 Gbit/s).
inline constexpr long long kMaxBitrate = 10'000'000'000;

[[noreturn]] inline void refuse(std::string_view key, std::string problem) {
  throw OptionError(std::string(key), std::move(problem));
}

/// "[lo, hi]".
std::string range_text(long long lo, long long hi);

/// Refuses an integer (of any type, so a wide value is ruled before it is
/// narrowed) outside [lo, hi]: "N is out of range [lo, hi]".
template <class Integer>
void check_in(std::string_view key, Integer n, long long lo, long long hi) {
  if (std::cmp_less(n, lo) || std::cmp_greater(n, hi))
    refuse(key, std::to_string(n) + " is out of range " + range_text(lo, hi));
}

/// "2.5", "-2", "0.001": a duration as the seconds the key/value form takes.
std::string seconds_text(Milliseconds t);

/// A timeout: more than 0, at most kMaxTimeout.
void check_timeout(std::string_view key, Milliseconds t);
/// A timeout where 0 means never: 0 up to kMaxTimeout.
void check_timeout_or_never(std::string_view key, Milliseconds t);
/// A byte count: positive, or -1 for `minus_one` (what no limit means here).
void check_bytes(std::string_view key, std::int64_t n, std::string_view minus_one);
/// ZeroMQ send flags: 0, or 1 (ZMQ_DONTWAIT).
void check_flag(std::string_view key, long long flag);
/// vidgear's secure_mode number: 0, 1 or 2.
void check_secure_mode(std::string_view key, long long mode);
/// An OverflowPolicy value that names a policy (not a static_cast of another int).
void check_overflow_policy(std::string_view key, OverflowPolicy policy);
/// A Pattern / Protocol value that names one (key "pattern" / "protocol").
void check_pattern(Pattern pattern);
void check_protocol(Protocol protocol);
/// One of wire::kJpegColorspaces, in any case.
void check_colorspace(std::string_view key, const std::string& name);
/// "" (no compression) or one of wire::kImageExtensions, in any case.
void check_format(std::string_view key, const std::string& format);

/// video_codec: "" or a codec of video_codec::kCodecs.
void check_video_codec(std::string_view key, const std::string& name);
/// video_encoder: names of letters, digits and '_' (FFmpeg's), at most 16.
void check_encoder_names(std::string_view key, const std::vector<std::string>& names);
/// Numeric IPv4 / IPv6 addresses, as ZAP reports a client's.
void check_addresses(std::string_view key, const std::vector<std::string>& addresses);

/// ssh_tunnel_mode: "" (off) or "[user@]host[:port]" that parse_ssh_target takes.
void check_ssh_target(std::string_view key, const std::string& target);
/// ssh_tunnel_pwd: no newline or NUL (the askpass helper's answer is one
/// line). The message never repeats the password.
void check_ssh_password(std::string_view key, const std::string& password);
/// A file path given to ssh: no NUL, newline, quote, backslash or "${" (whether the file exists is
/// Settings::validate's, as the file may appear before the sender is made).
void check_ssh_path(std::string_view key, const std::string& path);

/// ssh_tunnel_mode, parsed.
struct SshTarget {
  std::string user;  ///< empty: ssh's default (the local user name)
  std::string host;  ///< without brackets
  int port = 22;
};
/// Parses "[user@]host[:port]" ("[v6]" in brackets); throws OptionError(key)
/// saying what is wrong. user and host must not start with '-' (ssh would
/// take them for an option) nor hold spaces, control characters, '@' or '/'.
SshTarget parse_ssh_target(std::string_view key, const std::string& target);

}  // namespace netgear::detail::rules
