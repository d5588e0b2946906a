#pragma once
// JSON text exactly as Python's json.dumps writes it (", " and ": " separators,
// non-ASCII escaped), so the headers we emit are byte-identical to vidgear's for
// the same content. Appending null, booleans, integers and strings of plain
// printable ASCII does not allocate beyond growing `out`.

#include <charconv>
#include <concepts>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace netgear::wire {

/// Appends `value` to `out` in Python json.dumps style.
void append_python_json(std::string& out, const nlohmann::json& value);

/// Appends `text` as a JSON string in json.dumps style (ensure_ascii).
/// Throws nlohmann::json::type_error for invalid UTF-8, as dump() does.
void append_python_string(std::string& out, std::string_view text);

/// Appends an integer in decimal, as JSON and Python write it.
template <std::integral T>
void append_integer(std::string& out, T value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, end);
}

/// `value` in Python json.dumps style.
std::string python_json(const nlohmann::json& value);

}  // namespace netgear::wire
