#pragma once
// Nesting depth of JSON, measured without recursion: a peer's text is checked
// before nlohmann's parser builds it (the parser is iterative, but copying,
// comparing, dumping and converting the result recurse once per level), and
// a value the application built is checked before it is encoded.
// Depth: a scalar is 0, `[]` and `{}` are 1, `[[]]` is 2.

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

namespace netgear::wire {

/// True when no array or object in `text` is nested deeper than `limit`.
/// Counts brackets outside strings (skipping escapes inside them) and stops
/// at the first one past the limit; closers without an opener are ignored.
/// Exact for valid JSON; for invalid JSON it still bounds what a parser could
/// build before failing. Never throws, allocates nothing.
bool json_text_depth_within(std::string_view text, std::size_t limit) noexcept;

/// True when `value` is nested no deeper than `limit`. Walks level by level
/// (memory: the widest level's pointers) and stops past the limit.
/// Throws only std::bad_alloc.
bool json_depth_within(const nlohmann::json& value, std::size_t limit);

}  // namespace netgear::wire
