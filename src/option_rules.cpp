#include "option_rules.hpp"

#include <arpa/inet.h>

#include "wire/compression_names.hpp"

namespace netgear::detail::rules {

std::string range_text(long long lo, long long hi) {
  return "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
}

std::string seconds_text(Milliseconds t) {
  const long long ms = t.count();
  const unsigned long long magnitude = ms < 0 ? 0ULL - static_cast<unsigned long long>(ms) : ms;
  std::string text = (ms < 0 ? "-" : "") + std::to_string(magnitude / 1000);
  if (const auto part = magnitude % 1000; part != 0) {
    std::string digits = std::to_string(1000 + part).substr(1);  // three digits, leading zeros kept
    digits.erase(digits.find_last_not_of('0') + 1);
    text += "." + digits;
  }
  return text;
}

void check_timeout(std::string_view key, Milliseconds t) {
  if (t <= Milliseconds::zero() || t > kMaxTimeout)
    refuse(key, seconds_text(t) + " s is not a positive number of seconds up to " + std::to_string(kMaxTimeoutSeconds));
}

void check_timeout_or_never(std::string_view key, Milliseconds t) {
  if (t < Milliseconds::zero() || t > kMaxTimeout)
    refuse(key, seconds_text(t) + " s is not a number of seconds from 0 (never) up to " +
                    std::to_string(kMaxTimeoutSeconds));
}

void check_bytes(std::string_view key, std::int64_t n, std::string_view minus_one) {
  if (n != -1 && n <= 0)
    refuse(key, std::to_string(n) + " is not a positive number of bytes, or -1 for " + std::string(minus_one));
}

void check_flag(std::string_view key, long long flag) {
  if (flag != 0 && flag != 1) refuse(key, std::to_string(flag) + " is not supported; use 0 or 1 (ZMQ_DONTWAIT)");
}

void check_secure_mode(std::string_view key, long long mode) {
  if (mode < 0 || mode > 2)
    refuse(key, std::to_string(mode) + " is not a secure mode; use 0 (Grasslands), 1 (StoneHouse) or 2 (IronHouse)");
}

// to_string names every enumerator and says "?" for any other value.
void check_overflow_policy(std::string_view key, OverflowPolicy policy) {
  if (to_string(policy) == "?")
    refuse(key, std::to_string(static_cast<int>(policy)) + " is not a policy; use block, drop_oldest or latest_only");
}

void check_pattern(Pattern pattern) {
  if (to_string(pattern) == "?") pattern_from_int(static_cast<int>(pattern));  // throws, naming the choices
}

void check_protocol(Protocol protocol) {
  if (to_string(protocol) == "?")
    refuse("protocol", std::to_string(static_cast<int>(protocol)) +
                           " is not a protocol; use tcp, ipc, inproc, pgm or epgm");
}

void check_colorspace(std::string_view key, const std::string& name) {
  if (!wire::find_name(wire::kJpegColorspaces, name))
    refuse(key, "'" + name + "' is not a colorspace; use one of " + wire::name_list(wire::kJpegColorspaces));
}

void check_format(std::string_view key, const std::string& format) {
  if (!format.empty() && !wire::find_name(wire::kImageExtensions, format))
    refuse(key, "'" + format + "' is not a format; use " + wire::name_list(wire::kImageExtensions));
}

void check_addresses(std::string_view key, const std::vector<std::string>& addresses) {
  for (const auto& text : addresses) {
    unsigned char buf[sizeof(in6_addr)];
    if (inet_pton(AF_INET, text.c_str(), buf) != 1 && inet_pton(AF_INET6, text.c_str(), buf) != 1)
      refuse(key, "'" + text + "' is not a numeric IPv4 or IPv6 address");
  }
}

}  // namespace netgear::detail::rules
