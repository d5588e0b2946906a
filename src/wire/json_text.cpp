#include "wire/json_text.hpp"

namespace netgear::wire {

void append_python_json(std::string& out, const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::array: {
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
    case nlohmann::json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : value.items()) {
        if (!first) out += ", ";
        first = false;
        out += nlohmann::json(key).dump(-1, ' ', /*ensure_ascii=*/true);
        out += ": ";
        append_python_json(out, item);
      }
      out += '}';
      return;
    }
    default:
      // Scalars: nlohmann writes numbers in shortest round-trip form like
      // Python's repr, and ensure_ascii escapes strings as json.dumps does.
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
