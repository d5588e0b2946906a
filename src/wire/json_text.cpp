#include "wire/json_text.hpp"

#include <algorithm>

namespace netgear::wire {
namespace {

// Characters json.dumps (ensure_ascii) and nlohmann's dump write as they are:
// printable ASCII except the quote and the backslash.
bool plain(std::string_view text) noexcept {
  return std::all_of(text.begin(), text.end(), [](char ch) { return ch >= 0x20 && ch <= 0x7e && ch != '"' && ch != '\\'; });
}

}  // namespace

void append_python_string(std::string& out, std::string_view text) {
  if (!plain(text)) {  // escapes: nlohmann's dump writes them as json.dumps does
    out += nlohmann::json(std::string(text)).dump(-1, ' ', /*ensure_ascii=*/true);
    return;
  }
  out += '"';
  out += text;
  out += '"';
}

void append_python_json(std::string& out, const nlohmann::json& value) {
  using value_t = nlohmann::json::value_t;
  switch (value.type()) {
    case value_t::null: out += "null"; return;
    case value_t::boolean: out += value.get<bool>() ? "true" : "false"; return;
    case value_t::number_integer: append_integer(out, value.get<std::int64_t>()); return;
    case value_t::number_unsigned: append_integer(out, value.get<std::uint64_t>()); return;
    case value_t::string: append_python_string(out, value.get_ref<const std::string&>()); return;
    case value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& item : value) {
        if (!first) out += ", ";
        first = false;
        append_python_json(out, item);
      }
      out += ']';
      return;
    }
    case value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : value.items()) {
        if (!first) out += ", ";
        first = false;
        append_python_string(out, key);
        out += ": ";
        append_python_json(out, item);
      }
      out += '}';
      return;
    }
    default:
      // Floats: nlohmann writes the shortest round-trip form like Python's repr.
      out += value.dump(-1, ' ', /*ensure_ascii=*/true);
      return;
  }
}

std::string python_json(const nlohmann::json& value) {
  std::string out;
  append_python_json(out, value);
  return out;
}

}  // namespace netgear::wire
