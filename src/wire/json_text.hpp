#pragma once
// JSON text exactly as Python's json.dumps writes it (", " and ": " separators,
// non-ASCII escaped), so the headers we emit are byte-identical to vidgear's for
// the same content.

#include <string>

#include <nlohmann/json.hpp>

namespace netgear::wire {

/// Appends `value` to `out` in Python json.dumps style.
void append_python_json(std::string& out, const nlohmann::json& value);

/// `value` in Python json.dumps style.
std::string python_json(const nlohmann::json& value);

}  // namespace netgear::wire
