#include "netgear/options.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

#include "netgear/error.hpp"
#include "netgear/json_limits.hpp"
#include "option_rules.hpp"
#include "wire/compression_names.hpp"
#include "wire/peer_text.hpp"

namespace netgear {
namespace {

using json = nlohmann::json;
using namespace detail::rules;

// -- readers: a JSON value to a field's type (type errors only) ---------------

std::string type_problem(const json& value, std::string_view wanted) {
  if (value.is_null()) return "expected " + std::string(wanted) + ", got null (None)";
  return "expected " + std::string(wanted) + ", got " + std::string(value.type_name()) + " " + value.dump();
}

bool as_bool(std::string_view key, const json& v) {
  if (!v.is_boolean()) refuse(key, type_problem(v, "true or false"));
  return v.get<bool>();
}

// Wide, so that the rule sees the value before it is narrowed to the field.
long long as_int(std::string_view key, const json& v) {
  if (!v.is_number_integer()) refuse(key, type_problem(v, "an integer"));
  if (v.is_number_unsigned() && v.get<unsigned long long>() > std::numeric_limits<long long>::max())
    refuse(key, v.dump() + " is out of range for any option");
  return v.get<long long>();
}

std::string as_string(std::string_view key, const json& v) {
  if (!v.is_string()) refuse(key, type_problem(v, "a string"));
  return v.get<std::string>();
}

// Seconds, an int or a float as vidgear's timeouts take them, in whole
// milliseconds (a nonzero value under 1 ms keeps its sign rather than becoming
// 0). Beyond 1e12 s no rule could accept it: refused before converting.
Milliseconds as_seconds(std::string_view key, const json& v) {
  if (!v.is_number()) refuse(key, type_problem(v, "a number of seconds"));
  const double s = v.get<double>();
  if (!std::isfinite(s) || std::abs(s) > 1e12)
    refuse(key, v.dump() + " s is far beyond the limit of " + std::to_string(kMaxTimeoutSeconds) + " seconds");
  const long long ms = std::llround(s * 1000.0);
  return Milliseconds(s > 0 ? std::max(1LL, ms) : s < 0 ? std::min(-1LL, ms) : 0);
}

// 0 or null (None) means never.
Milliseconds as_seconds_or_never(std::string_view key, const json& v) {
  return v.is_null() ? Milliseconds::zero() : as_seconds(key, v);
}

// An int, or a float as vidgear takes it (in range, then truncated).
long long as_quality(std::string_view key, const json& v) {
  if (!v.is_number_float()) return as_int(key, v);
  const double q = v.get<double>();
  if (!(q >= kMinQuality && q <= kMaxQuality))
    refuse(key, v.dump() + " is out of range " + range_text(kMinQuality, kMaxQuality));
  return static_cast<long long>(q);
}

// A name from a list, in the list's spelling; any other text is left for the
// rule to refuse.
template <std::size_t N>
auto canonical(const std::array<std::string_view, N>& names) {
  return [&names](std::string_view key, const json& v) {
    std::string text = as_string(key, v);
    if (auto i = wire::find_name(names, text)) return std::string(names[*i]);
    return text;
  };
}

// As vidgear takes ssh_tunnel_mode: spaces around it do not count.
std::string trimmed_string(std::string_view key, const json& v) {
  std::string text = as_string(key, v);
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// "h264,libx264" -> {"h264", "libx264"}: a list given as one string (the CLI's
// -o).
std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> items;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto item = text.substr(0, comma);
    const auto first = item.find_first_not_of(" \t"), last = item.find_last_not_of(" \t");
    if (first != std::string_view::npos) items.emplace_back(item.substr(first, last - first + 1));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

// Bits per second: an integer, or a string with an optional k/M/G suffix
// (powers of 1000, as bitrates are counted): "2M" = 2000000.
long long as_bitrate(std::string_view key, const json& v) {
  if (!v.is_string()) return as_int(key, v);
  const std::string text = as_string(key, v);
  double number = 0;
  std::size_t used = 0;
  try {
    number = std::stod(text, &used);
  } catch (const std::exception&) {
    refuse(key, "'" + wire::peer_text(text) +
                    "' is not a bitrate; use bits per second, e.g. 2000000, 2M "
                    "or 500k");
  }
  std::string_view unit = std::string_view(text).substr(used);
  double scale = 1;
  if (unit == "k" || unit == "K")
    scale = 1e3;
  else if (unit == "m" || unit == "M")
    scale = 1e6;
  else if (unit == "g" || unit == "G")
    scale = 1e9;
  else if (!unit.empty())
    refuse(key, "'" + wire::peer_text(text) +
                    "' is not a bitrate; use bits per second, e.g. 2000000, 2M "
                    "or 500k");
  const double bits = number * scale;
  if (!(bits >= 0 && bits <= static_cast<double>(kMaxBitrate)))
    refuse(key, "'" + wire::peer_text(text) + "' is not a bitrate from 0 to " + std::to_string(kMaxBitrate));
  return static_cast<long long>(bits);
}

std::vector<std::string> as_strings(std::string_view key, const json& v, std::string_view wanted) {
  if (!v.is_array()) refuse(key, type_problem(v, wanted));
  std::vector<std::string> out;
  for (const auto& item : v) out.push_back(as_string(key, item));
  return out;
}

// -- the one table from vidgear's option keys to typed fields -----------------

// An option: its key, how a JSON value is stored (read, ruled, assigned: a
// refused value leaves the field as it was), and the rule on the stored value.
struct Field {
  std::string_view key;
  std::function<void(Options&, std::string_view, const json&)> set;
  std::function<void(const Options&, std::string_view)> check;
};

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

constexpr auto no_rule = [](std::string_view, const auto&) {};

// The field `member`: `read` turns JSON into a value, `rule` refuses a bad
// one (an unset optional has nothing to check).
template <class T, class Read, class Rule>
Field field(std::string_view key, T Options::*member, Read read, Rule rule) {
  auto apply = [rule](std::string_view k, const auto& value) {
    if constexpr (is_optional<std::decay_t<decltype(value)>>::value) {
      if (value) rule(k, *value);
    } else {
      rule(k, value);
    }
  };
  return {key,
          [=](Options& o, std::string_view k, const json& v) {
            auto value = read(k, v);
            apply(k, value);
            o.*member = static_cast<T>(std::move(value));
          },
          [=](const Options& o, std::string_view k) { apply(k, o.*member); }};
}

Field flag_field(std::string_view key, bool Options::*member) { return field(key, member, as_bool, no_rule); }

// A rule "integer in [lo, hi]" for a field of any integer type.
auto in(long long lo, long long hi) {
  return [lo, hi](std::string_view k, auto n) { check_in(k, n, lo, hi); };
}

const std::vector<Field>& table() {
  static const std::vector<Field> t = {
      flag_field("multiserver_mode", &Options::multiserver_mode),
      flag_field("multiclient_mode", &Options::multiclient_mode),
      flag_field("bidirectional_mode", &Options::bidirectional_mode),
      flag_field("force_terminate", &Options::force_terminate),
      flag_field("receiver_dials", &Options::receiver_dials),
      field("filter", &Options::filter, as_string, no_rule),
      field("secure_mode", &Options::secure_mode, as_int,
            [](std::string_view k, auto mode) { check_secure_mode(k, static_cast<long long>(mode)); }),
      field("custom_cert_location", &Options::custom_cert_location, as_string, no_rule),
      flag_field("overwrite_cert", &Options::overwrite_cert),
      field("ssh_tunnel_mode", &Options::ssh_tunnel_mode, trimmed_string, check_ssh_target),
      field("ssh_tunnel_pwd", &Options::ssh_tunnel_pwd, as_string, check_ssh_password),
      field("ssh_tunnel_keyfile", &Options::ssh_tunnel_keyfile, as_string, check_ssh_path),
      field("ssh_tunnel_known_hosts", &Options::ssh_tunnel_known_hosts, as_string, check_ssh_path),
      field("compression_format", &Options::compression_format, canonical(wire::kImageExtensions), check_format),
      {"compression_param",
       [](Options& o, std::string_view k, const json& v) {
         if (v.is_number_integer()) {  // receiver: a cv::imdecode flag
           check_in(k, as_int(k, v), std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
           o.compression_decode_flag = static_cast<int>(v.get<long long>());
           return;
         }
         if (!v.is_array()) refuse(k, type_problem(v, "a list of ints (sender) or an int (receiver)"));
         std::vector<int> params;
         for (const auto& p : v) {
           check_in(k, as_int(k, p), std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
           params.push_back(static_cast<int>(p.get<long long>()));
         }
         o.compression_param = std::move(params);
       },
       [](const Options&, std::string_view) {}},
      {"jpeg_compression",
       [](Options& o, std::string_view k, const json& v) {
         if (!v.is_string()) {
           o.jpeg_compression = as_bool(k, v);
           return;
         }
         // vidgear: a colorspace name turns it on with that layout.
         std::string name = canonical(wire::kJpegColorspaces)(k, v);
         check_colorspace(k, name);
         o.jpeg_compression_colorspace = std::move(name);
         o.jpeg_compression = true;
       },
       [](const Options&, std::string_view) {}},
      field("jpeg_compression_colorspace", &Options::jpeg_compression_colorspace, canonical(wire::kJpegColorspaces),
            check_colorspace),
      field("jpeg_compression_quality", &Options::jpeg_compression_quality, as_quality, in(kMinQuality, kMaxQuality)),
      flag_field("jpeg_compression_fastdct", &Options::jpeg_compression_fastdct),
      flag_field("jpeg_compression_fastupsample", &Options::jpeg_compression_fastupsample),
      field("video_codec", &Options::video_codec, trimmed_string, check_video_codec),
      field("video_bitrate", &Options::video_bitrate, as_bitrate, in(0, kMaxBitrate)),
      field("video_quality", &Options::video_quality, as_int, in(0, 51)),
      field("video_keyframe_interval", &Options::video_keyframe_interval, as_int, in(0, 100'000)),
      field(
          "video_encoder", &Options::video_encoder,
          [](std::string_view k, const json& v) {
            if (v.is_string()) return split_list(as_string(k, v));
            return as_strings(k, v, "a list of FFmpeg encoder names");
          },
          check_encoder_names),
      field("video_preset", &Options::video_preset, trimmed_string, no_rule),
      field("video_fps", &Options::video_fps, as_int, in(1, 1000)),
      field("flag", &Options::flag, as_int, [](std::string_view k, auto n) { check_flag(k, n); }),
      flag_field("copy", &Options::copy),
      flag_field("track", &Options::track),
      field("request_timeout", &Options::request_timeout, as_seconds, check_timeout),
      field("max_retries", &Options::max_retries, as_int, in(-1, 1'000'000)),
      field("subscriber_timeout", &Options::subscriber_timeout, as_seconds, check_timeout),
      field("receive_timeout", &Options::receive_timeout, as_seconds, check_timeout),
      field("encode_threads", &Options::encode_threads, as_int, in(1, 16)),
      field("queue_size", &Options::queue_size, as_int, in(1, 1'000'000)),
      field("overflow_policy", &Options::overflow_policy,
            [](std::string_view k, const json& v) { return overflow_policy_from_string(as_string(k, v)); },
            check_overflow_policy),
      field("max_message_size", &Options::max_message_size, as_int,
            [](std::string_view k, auto n) { check_bytes(k, n, "no limit"); }),
      field("max_decoded_size", &Options::max_decoded_size, as_int,
            [](std::string_view k, auto n) { check_bytes(k, n, "no limit"); }),
      field("queue_max_bytes", &Options::queue_max_bytes, as_int,
            [](std::string_view k, auto n) { check_bytes(k, n, "no limit but queue_size"); }),
      field("allowed_addresses", &Options::allowed_addresses,
            [](std::string_view k, const json& v) { return as_strings(k, v, "a list of IP addresses"); },
            check_addresses),
      field("sender_gone_timeout", &Options::sender_gone_timeout, as_seconds_or_never, check_timeout_or_never),
  };
  return t;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Levenshtein distance: how many single-letter edits turn `a` into `b`.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The known option a typo most likely meant, or "" when none is close.
std::string closest_option(std::string_view key) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, key.size() / 4) + 1;
  for (const auto& f : table()) {
    const std::size_t d = edit_distance(key, f.key);
    if (d < best_distance) {
      best = std::string(f.key);
      best_distance = d;
    }
  }
  return best;
}

}  // namespace

void Options::set(std::string_view raw_key, const json& value) {
  std::string_view key = trim(raw_key);
  if (key == "bidectional_mode") key = "bidirectional_mode";  // the seed's spelling
  check_json_depth(value, key);  // before an error message dumps it (recursively)
  for (const auto& f : table()) {
    if (f.key == key) {
      f.set(*this, f.key, value);
      return;
    }
  }
  std::string known;
  for (const auto& f : table()) known += (known.empty() ? "" : ", ") + std::string(f.key);
  const std::string guess = closest_option(key);
  throw OptionError(std::string(key), "unknown option; " + (guess.empty() ? "" : "did you mean '" + guess + "'? ") +
                                          "known options are: " + known);
}

void Options::validate() const {
  for (const auto& f : table()) f.check(*this, f.key);
}

Options Options::from_json(const json& object) {
  if (object.is_null()) return {};
  if (!object.is_object()) check_json_depth(object, "options");
  if (!object.is_object()) throw OptionError("options", type_problem(object, "an object of option: value pairs"));
  Options o;
  for (const auto& [key, value] : object.items()) o.set(key, value);
  return o;
}

const std::vector<std::string_view>& Options::keys() {
  static const std::vector<std::string_view> k = [] {
    std::vector<std::string_view> names;
    for (const auto& f : table()) names.push_back(f.key);
    return names;
  }();
  return k;
}

}  // namespace netgear
