#include "netgear/options.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <utility>
#include <vector>

#include "netgear/error.hpp"
#include "netgear/json_limits.hpp"

namespace netgear {
namespace {

using json = nlohmann::json;

std::string type_problem(const json& value, std::string_view wanted) {
  if (value.is_null()) return "expected " + std::string(wanted) + ", got null (None)";
  return "expected " + std::string(wanted) + ", got " + std::string(value.type_name()) + " " + value.dump();
}

bool as_bool(std::string_view key, const json& v) {
  if (!v.is_boolean()) throw OptionError(std::string(key), type_problem(v, "true or false"));
  return v.get<bool>();
}

long long as_int(std::string_view key, const json& v) {
  if (!v.is_number_integer()) throw OptionError(std::string(key), type_problem(v, "an integer"));
  return v.get<long long>();
}

long long as_int_in(std::string_view key, const json& v, long long lo, long long hi) {
  auto n = as_int(key, v);
  if (n < lo || n > hi)
    throw OptionError(std::string(key),
                      std::to_string(n) + " is out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return n;
}

std::string as_string(std::string_view key, const json& v) {
  if (!v.is_string()) throw OptionError(std::string(key), type_problem(v, "a string"));
  return v.get<std::string>();
}

// Seconds given as an int or float > 0, as vidgear's timeouts; kept in ms.
Milliseconds as_seconds(std::string_view key, const json& v) {
  if (!v.is_number()) throw OptionError(std::string(key), type_problem(v, "a number of seconds"));
  double s = v.get<double>();
  if (!(s > 0) || !std::isfinite(s) || s > 1e7)
    throw OptionError(std::string(key), v.dump() + " is not a positive number of seconds");
  return Milliseconds(std::max<long long>(1, std::llround(s * 1000.0)));
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

constexpr std::string_view kColorspaces[] = {"RGB",  "BGR",  "RGBX", "BGRX", "XBGR", "XRGB",
                                             "GRAY", "RGBA", "BGRA", "ABGR", "ARGB", "CMYK"};

std::string colorspace(std::string_view key, const std::string& name) {
  std::string upper = name;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  for (auto cs : kColorspaces)
    if (upper == cs) return upper;
  throw OptionError(std::string(key), "'" + name + "' is not a colorspace; use one of RGB, BGR, RGBX, BGRX, XBGR, "
                                      "XRGB, GRAY, RGBA, BGRA, ABGR, ARGB, CMYK");
}

// A list of IPv4 / IPv6 addresses in numeric form (what ZAP reports).
std::vector<std::string> ip_addresses(std::string_view key, const json& v) {
  if (!v.is_array()) throw OptionError(std::string(key), type_problem(v, "a list of IP addresses"));
  std::vector<std::string> out;
  for (const auto& item : v) {
    const std::string text = as_string(key, item);
    unsigned char buf[sizeof(in6_addr)];
    if (inet_pton(AF_INET, text.c_str(), buf) != 1 && inet_pton(AF_INET6, text.c_str(), buf) != 1)
      throw OptionError(std::string(key), "'" + text + "' is not a numeric IPv4 or IPv6 address");
    out.push_back(text);
  }
  return out;
}

using Setter = std::function<void(Options&, std::string_view, const json&)>;

// The one table from vidgear's option keys to typed fields.
const std::vector<std::pair<std::string_view, Setter>>& table() {
  static const std::vector<std::pair<std::string_view, Setter>> t = {
      {"multiserver_mode", [](Options& o, auto k, const json& v) { o.multiserver_mode = as_bool(k, v); }},
      {"multiclient_mode", [](Options& o, auto k, const json& v) { o.multiclient_mode = as_bool(k, v); }},
      {"bidirectional_mode", [](Options& o, auto k, const json& v) { o.bidirectional_mode = as_bool(k, v); }},
      {"force_terminate", [](Options& o, auto k, const json& v) { o.force_terminate = as_bool(k, v); }},
      {"filter", [](Options& o, auto k, const json& v) { o.filter = as_string(k, v); }},
      {"secure_mode",
       [](Options& o, auto k, const json& v) { o.secure_mode = static_cast<SecureMode>(as_int_in(k, v, 0, 2)); }},
      {"custom_cert_location", [](Options& o, auto k, const json& v) { o.custom_cert_location = as_string(k, v); }},
      {"overwrite_cert", [](Options& o, auto k, const json& v) { o.overwrite_cert = as_bool(k, v); }},
      {"compression_format",
       [](Options& o, auto k, const json& v) {
         auto f = lower(as_string(k, v));
         if (!f.empty() && f != ".jpg" && f != ".jpeg" && f != ".png" && f != ".bmp")
           throw OptionError(std::string(k), "'" + f + "' is not a format; use .jpg, .jpeg, .png or .bmp");
         o.compression_format = f;
       }},
      {"compression_param",
       [](Options& o, auto k, const json& v) {
         if (v.is_number_integer()) {  // receiver: cv::imdecode flag
           o.compression_decode_flag = static_cast<int>(as_int(k, v));
           return;
         }
         if (!v.is_array())
           throw OptionError(std::string(k), type_problem(v, "a list of ints (sender) or an int (receiver)"));
         o.compression_param.clear();
         for (const auto& p : v) o.compression_param.push_back(static_cast<int>(as_int(k, p)));
       }},
      {"jpeg_compression",
       [](Options& o, auto k, const json& v) {
         if (v.is_string()) {  // vidgear: a colorspace name turns it on with that layout
           o.jpeg_compression_colorspace = colorspace(k, v.get<std::string>());
           o.jpeg_compression = true;
         } else {
           o.jpeg_compression = as_bool(k, v);
         }
       }},
      {"jpeg_compression_colorspace",
       [](Options& o, auto k, const json& v) { o.jpeg_compression_colorspace = colorspace(k, as_string(k, v)); }},
      {"jpeg_compression_quality",
       [](Options& o, auto k, const json& v) {
         if (v.is_number_float()) {
           double q = v.get<double>();
           if (!(q >= 10 && q <= 100)) throw OptionError(std::string(k), v.dump() + " is out of range [10, 100]");
           o.jpeg_compression_quality = static_cast<int>(q);
           return;
         }
         o.jpeg_compression_quality = static_cast<int>(as_int_in(k, v, 10, 100));
       }},
      {"jpeg_compression_fastdct", [](Options& o, auto k, const json& v) { o.jpeg_compression_fastdct = as_bool(k, v); }},
      {"jpeg_compression_fastupsample",
       [](Options& o, auto k, const json& v) { o.jpeg_compression_fastupsample = as_bool(k, v); }},
      {"flag",
       [](Options& o, auto k, const json& v) {
         o.flag = static_cast<int>(as_int(k, v));
         if (o.flag != 0 && o.flag != 1)
           throw OptionError(std::string(k), std::to_string(o.flag) + " is not supported; use 0 or 1 (ZMQ_DONTWAIT)");
       }},
      {"copy", [](Options& o, auto k, const json& v) { o.copy = as_bool(k, v); }},
      {"track", [](Options& o, auto k, const json& v) { o.track = as_bool(k, v); }},
      {"request_timeout", [](Options& o, auto k, const json& v) { o.request_timeout = as_seconds(k, v); }},
      {"max_retries",
       [](Options& o, auto k, const json& v) { o.max_retries = static_cast<int>(as_int_in(k, v, -1, 1'000'000)); }},
      {"subscriber_timeout", [](Options& o, auto k, const json& v) { o.subscriber_timeout = as_seconds(k, v); }},
      {"receive_timeout", [](Options& o, auto k, const json& v) { o.receive_timeout = as_seconds(k, v); }},
      {"encode_threads",
       [](Options& o, auto k, const json& v) { o.encode_threads = static_cast<int>(as_int_in(k, v, 1, 16)); }},
      {"queue_size",
       [](Options& o, auto k, const json& v) { o.queue_size = static_cast<std::size_t>(as_int_in(k, v, 1, 1'000'000)); }},
      {"overflow_policy",
       [](Options& o, auto k, const json& v) { o.overflow_policy = overflow_policy_from_string(as_string(k, v)); }},
      {"max_message_size",
       [](Options& o, auto k, const json& v) {
         o.max_message_size = as_int_in(k, v, -1, std::numeric_limits<std::int64_t>::max());
       }},
      {"max_decoded_size",
       [](Options& o, auto k, const json& v) {
         o.max_decoded_size = as_int_in(k, v, -1, std::numeric_limits<std::int64_t>::max());
       }},
      {"queue_max_bytes",
       [](Options& o, auto k, const json& v) {
         o.queue_max_bytes = as_int_in(k, v, -1, std::numeric_limits<std::int64_t>::max());
       }},
      {"allowed_addresses", [](Options& o, auto k, const json& v) { o.allowed_addresses = ip_addresses(k, v); }},
      {"sender_gone_timeout",
       [](Options& o, auto k, const json& v) {
         const bool never = v.is_null() || (v.is_number() && v.get<double>() == 0);
         o.sender_gone_timeout = never ? Milliseconds::zero() : as_seconds(k, v);
       }},
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
  for (const auto& [name, setter] : table()) {
    const std::size_t d = edit_distance(key, name);
    if (d < best_distance) {
      best = std::string(name);
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
  for (const auto& [name, setter] : table()) {
    if (name == key) {
      setter(*this, name, value);
      return;
    }
  }
  std::string known;
  for (const auto& [name, setter] : table()) known += (known.empty() ? "" : ", ") + std::string(name);
  const std::string guess = closest_option(key);
  throw OptionError(std::string(key), "unknown option; " + (guess.empty() ? "" : "did you mean '" + guess + "'? ") +
                                          "known options are: " + known);
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
    for (const auto& [name, setter] : table()) names.push_back(name);
    return names;
  }();
  return k;
}

}  // namespace netgear
