#include "wire/peer_text.hpp"

namespace netgear::wire {

std::string peer_text(std::string_view text, std::size_t keep) {
  static constexpr char hex[] = "0123456789abcdef";
  const std::string_view shown = text.substr(0, keep);
  std::string out;
  out.reserve(shown.size() + 32);
  for (const char ch : shown) {
    const auto byte = static_cast<unsigned char>(ch);
    if (byte == '\\') {
      out += "\\\\";
    } else if (byte >= 0x20 && byte < 0x7f) {
      out += ch;
    } else {
      out += "\\x";
      out += hex[byte >> 4];
      out += hex[byte & 0xf];
    }
  }
  if (shown.size() < text.size()) out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

}  // namespace netgear::wire
