#include "option_rules.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "video_codec/codecs.hpp"
#include "wire/compression_names.hpp"
#include "wire/peer_text.hpp"

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

void check_video_codec(std::string_view key, const std::string& name) {
  if (!name.empty() && !video_codec::find_codec(name))
    refuse(key, "'" + wire::peer_text(name) + "' is not a video codec; use " + std::string(video_codec::codec_names()) +
                    ", or \"\" for none");
}

void check_encoder_names(std::string_view key, const std::vector<std::string>& names) {
  if (names.size() > 16) refuse(key, "more than 16 encoder names");
  for (const auto& n : names) {
    const bool plain = !n.empty() && n.size() <= 64 &&
                       std::all_of(n.begin(), n.end(), [](unsigned char ch) { return std::isalnum(ch) || ch == '_'; });
    if (!plain) refuse(key, "'" + wire::peer_text(n) + "' is not an FFmpeg encoder name (letters, digits, '_')");
  }
}

void check_addresses(std::string_view key, const std::vector<std::string>& addresses) {
  for (const auto& text : addresses) {
    unsigned char buf[sizeof(in6_addr)];
    if (inet_pton(AF_INET, text.c_str(), buf) != 1 && inet_pton(AF_INET6, text.c_str(), buf) != 1)
      refuse(key, "'" + text + "' is not a numeric IPv4 or IPv6 address");
  }
}

}  // namespace netgear::detail::rules

namespace netgear::detail::rules {
namespace {

bool has_control(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

// A user or host name that ssh can only take as what it is: not an option
// ("-oProxyCommand=..."), not two words, not a second user or a path.
void check_ssh_name(std::string_view key, std::string_view what, std::string_view name, const std::string& target) {
  const auto quoted = "'" + target + "'";
  if (name.empty()) refuse(key, quoted + " has an empty " + std::string(what) + "; use user@host[:port]");
  if (name.front() == '-') refuse(key, quoted + ": a " + std::string(what) + " cannot start with '-'");
  for (unsigned char c : name)
    if (c <= 0x20 || c == 0x7f || c == '@' || c == '/' || c == '\\' || c == '\'' || c == '"')
      refuse(key, quoted + ": the " + std::string(what) + " holds a character ssh would misread (space, control, @ / \\ or quote)");
}

}  // namespace

SshTarget parse_ssh_target(std::string_view key, const std::string& target) {
  if (has_control(target)) refuse(key, "holds control characters; use user@host[:port]");
  SshTarget out;
  std::string_view rest = target;
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    out.user = std::string(rest.substr(0, at));
    check_ssh_name(key, "user", out.user, target);
    rest.remove_prefix(at + 1);
  }
  std::string_view port;
  if (!rest.empty() && rest.front() == '[') {  // [IPv6]:port
    const auto close = rest.find(']');
    if (close == std::string_view::npos) refuse(key, "'" + target + "': '[' without ']'");
    out.host = std::string(rest.substr(1, close - 1));
    rest.remove_prefix(close + 1);
    if (!rest.empty() && rest.front() != ':') refuse(key, "'" + target + "': only ':port' may follow ']'");
    if (!rest.empty()) port = rest.substr(1);
    if (!rest.empty() && port.empty()) refuse(key, "'" + target + "' ends in ':' with no port");
  } else {
    const auto colon = rest.find(':');
    out.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) {
      port = rest.substr(colon + 1);
      if (port.find(':') != std::string_view::npos)
        refuse(key, "'" + target + "' has more than one ':'; write an IPv6 host in brackets: user@[::1]:22");
      if (port.empty()) refuse(key, "'" + target + "' ends in ':' with no port");
    }
  }
  check_ssh_name(key, "host", out.host, target);
  if (!port.empty()) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535)
      refuse(key, "'" + target + "': '" + std::string(port) + "' is not a TCP port (1-65535)");
    out.port = static_cast<int>(value);
  }
  return out;
}

void check_ssh_target(std::string_view key, const std::string& target) {
  if (!target.empty()) (void)parse_ssh_target(key, target);
}

void check_ssh_password(std::string_view key, const std::string& password) {
  if (password.find_first_of(std::string_view("\n\r\0", 3)) != std::string::npos)
    refuse(key, "holds a newline or NUL character (not shown), which ssh cannot be given");
}

// ssh expands %x and ${VAR} in these paths (its own config syntax): '%' is
// escaped when the command is built, "${" cannot be, and a quote or a
// backslash would end the quoted -o value.
void check_ssh_path(std::string_view key, const std::string& path) {
  if (path.find_first_of(std::string_view("\n\r\0\"\\", 5)) != std::string::npos ||
      path.find("${") != std::string::npos)
    refuse(key, "'" + wire::peer_text(path) +
                    "' holds a character ssh would misread (newline, NUL, quote, backslash or ${); "
                    "give a plain file path");
}

}  // namespace netgear::detail::rules
