#pragma once
// Messages no vidgear or netgear sender would write, made deterministically
// from a seed: what a rogue or broken peer can put on the wire. Every one of
// them is a message the receiver must drop and count as bad, never a frame.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace netgear::test {

/// A raw-frame header for `shape` (JSON text) and `dtype`, as vidgear 0.3 writes it.
inline std::string raw_header(const std::string& shape, const std::string& dtype = "uint8") {
  return R"({"terminate_flag": false, "compression": false, "message": "ok", "pattern": "1", "dtype": ")" + dtype +
         R"(", "shape": )" + shape + "}";
}

/// The kinds of bad message garbage() makes, in order.
inline constexpr int garbage_kinds = 14;

/// Bad message number `n` (its kind is n % garbage_kinds), as message parts.
inline std::vector<std::string> garbage(std::uint32_t n) {
  std::mt19937 rng(n);
  auto bytes = [&](std::size_t size) {
    std::string s(size, '\0');
    for (auto& c : s) c = static_cast<char>(rng() & 0xff);
    return s;
  };
  const std::string good = raw_header("[2, 2]");
  switch (n % garbage_kinds) {
    case 0: return {bytes(1 + rng() % 200), bytes(rng() % 64)};                // random bytes
    case 1: return {good.substr(0, rng() % good.size()), "abcd"};              // truncated header
    case 2: return {good};                                                     // header, no payload
    case 3: return {good, "abcd", "a third part"};                             // too many parts
    case 4: return {good, std::string(rng() % 4, 'x')};                        // payload too short
    case 5: return {good, std::string(5 + rng() % 64, 'x')};                   // payload too long
    case 6: return {raw_header("[-" + std::to_string(1 + rng() % 9) + ", 2]"), "abcd"};  // negative dimension
    case 7: return {raw_header("[4294967296, 4294967296, 3]"), "abcd"};       // huge shape
    case 8: return {raw_header("[65536, 65536, 65536]"), "abcd"};             // element count overflows
    case 9: return {raw_header("[2, 2]", rng() % 2 ? "complex256" : "object"), "abcd"};  // wrong dtype
    case 10: return {R"({"terminate_flag": false, "compression": false, "dtype": "uint8", "shape": "2x2"})", "abcd"};
    case 11: return {"[" + std::string(100'000, '['), "abcd"};                 // nesting, never closed
    case 12: return {R"({"terminate_flag": false, "compression": {"dct": "yes"}, "dtype": "", "shape": ""})", "x"};
    default: return {R"({"terminate_flag": false, "compression": ".jpg", "dtype": "uint8", "shape": [4]})",
                     "not a JPEG" + bytes(rng() % 100)};
  }
}

}  // namespace netgear::test
