#pragma once
/// \file
/// The one nesting limit of JSON netgear accepts: in a frame's message, a
/// reply's data, return data and option values, whether it comes from a peer
/// or from the application. Deeper JSON is refused before anything recursive
/// (copy, compare, dump, conversion to Python) touches it, so it can never
/// overflow a thread's stack. docs/protocol.md, "Limits", says the same.

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

// The public API: exported from libnetgear.so (symbols are hidden by default).
#pragma GCC visibility push(default)
namespace netgear {

/// The deepest nesting of arrays and objects netgear takes in one value: a
/// scalar is 0 deep, `[]` 1, `[[]]` 2, so 128 nested `[` pass and 129 do
/// not. Python's json.dumps allows about 1000; vidgear's messages use a few.
inline constexpr std::size_t max_json_depth = 128;

/// Throws OptionError naming `what` (e.g. "message") when `value` nests
/// deeper than max_json_depth. Walks the value without recursion, stopping at
/// the first level past the limit. Thread-safe (reads `value` only).
void check_json_depth(const nlohmann::json& value, std::string_view what);

}  // namespace netgear
#pragma GCC visibility pop
