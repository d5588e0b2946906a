#pragma once
// Text that came from a peer (a dtype, a format name, a port label, a reply),
// made safe to put in an error message or a log line: escaped, so it cannot
// forge lines or terminal control sequences, and cut short, so a 100 KB value
// is not logged whole. Every WireError that quotes a peer's value uses it.

#include <cstddef>
#include <string>
#include <string_view>

namespace netgear::wire {

/// How many bytes of a peer's text an error message quotes.
inline constexpr std::size_t peer_text_quoted = 64;

/// `text` with every byte outside printable ASCII (control characters, DEL,
/// every byte of a non-ASCII character) written as \xNN and a backslash as
/// `\\`; past `keep` bytes of `text` it stops and appends "... (N bytes)"
/// with the full size. The result holds at most 4 * keep + 32 characters.
/// Throws only std::bad_alloc.
std::string peer_text(std::string_view text, std::size_t keep = peer_text_quoted);

}  // namespace netgear::wire
