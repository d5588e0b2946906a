#pragma once
// Text from a peer as valid UTF-8. A reply or acknowledgement is text by
// contract but bytes on the wire; as a JSON string (SendResult::reply) or a
// Python str it must be valid UTF-8, or dump() and the Python conversion
// would throw on it later, far from the peer that sent it.

#include <string>
#include <string_view>

namespace netgear::wire {

/// `bytes` with every byte that does not belong to a well-formed UTF-8
/// sequence (RFC 3629: no overlong forms, surrogates or code points past
/// U+10FFFF) replaced by U+FFFD. Valid UTF-8 comes back unchanged.
std::string utf8_text(std::string_view bytes);

}  // namespace netgear::wire
