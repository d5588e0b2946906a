// decode_frame_header_fast: a frame header read straight from the text, for
// the headers netgear and vidgear write, so that a frame's header costs no
// heap allocation. It accepts a strict subset of what decode_header_full()
// accepts and yields the same FrameHeader; whatever it is not sure of (another
// key or value form, an escape, a repeated key, anything invalid) makes it
// give up, and the full parser decides — errors are always the full parser's.
#include <array>
#include <bitset>
#include <cstdint>
#include <limits>

#include "wire/compression_names.hpp"
#include "wire/header.hpp"

namespace netgear::wire {
namespace {

// A cursor over JSON text. Every reader returns false when the text is not in
// the expected form; the caller then gives up.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  // JSON's whitespace (RFC 8259): what nlohmann's lexer skips.
  void skip_space() noexcept {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }

  bool at_end() noexcept {
    skip_space();
    return p_ == end_;
  }

  char peek() noexcept {
    skip_space();
    return p_ < end_ ? *p_ : '\0';
  }

  bool eat(char ch) noexcept {
    if (peek() != ch) return false;
    ++p_;
    return true;
  }

  bool word(std::string_view w) noexcept {
    skip_space();
    if (static_cast<std::size_t>(end_ - p_) < w.size() || std::string_view(p_, w.size()) != w) return false;
    p_ += w.size();
    return true;
  }

  // true or false.
  bool boolean(bool& value) noexcept {
    if (word("true")) {
      value = true;
      return true;
    }
    value = false;
    return word("false");
  }

  // A string of printable ASCII without escapes (what both writers emit for
  // every key and for dtype, pattern, port and extensions).
  bool plain_string(std::string_view& value) noexcept {
    if (!eat('"')) return false;
    const char* start = p_;
    for (; p_ < end_ && *p_ != '"'; ++p_)
      if (*p_ < 0x20 || *p_ > 0x7e || *p_ == '\\') return false;
    if (p_ == end_) return false;
    value = std::string_view(start, static_cast<std::size_t>(p_ - start));
    ++p_;
    return true;
  }

  // A JSON integer without sign: digits, no leading zero, at most `max`.
  bool unsigned_integer(std::uint64_t& value, std::uint64_t max) noexcept {
    skip_space();
    if (p_ == end_ || *p_ < '0' || *p_ > '9') return false;
    if (*p_ == '0' && p_ + 1 < end_ && p_[1] >= '0' && p_[1] <= '9') return false;  // not JSON
    value = 0;
    for (; p_ < end_ && *p_ >= '0' && *p_ <= '9'; ++p_) {
      const auto digit = static_cast<std::uint64_t>(*p_ - '0');
      if (value > (max - digit) / 10) return false;
      value = value * 10 + digit;
    }
    // A fraction or exponent makes it a float: not ours.
    return p_ == end_ || (*p_ != '.' && *p_ != 'e' && *p_ != 'E');
  }

  // A JSON integer that fits in int64_t.
  bool signed_integer(std::int64_t& value) noexcept {
    const bool negative = eat('-');
    if (negative && (p_ == end_ || *p_ < '0' || *p_ > '9')) return false;
    std::uint64_t magnitude = 0;
    constexpr auto max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    if (!unsigned_integer(magnitude, max)) return false;
    value = negative ? -static_cast<std::int64_t>(magnitude) : static_cast<std::int64_t>(magnitude);
    return true;
  }

 private:
  const char* p_;
  const char* end_;
};

// Keys of a frame header, in the order of `names` below.
enum class Key : std::size_t { terminate_flag, compression, message, pattern, dtype, shape, port, seq, sent_ns };
constexpr std::size_t key_count = 9;
using KeySet = std::bitset<key_count>;  // the keys seen, for spotting repeats

bool key_of(std::string_view name, Key& key) noexcept {
  static constexpr std::array<std::string_view, key_count> names = {
      "terminate_flag", "compression", "message", "pattern", "dtype", "shape", "port", "netgear_seq",
      "netgear_sent_ns"};
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (name == names[i]) {
      key = static_cast<Key>(i);
      return true;
    }
  }
  return false;
}

// {"dct": bool, "ups": bool, "colorspace": "..."} in any order, dct/ups optional.
bool jpeg_compression(Scanner& in, Compression& c) {
  if (!in.eat('{')) return false;
  c.kind = Compression::Kind::jpeg;
  std::bitset<3> seen;
  bool first = true;
  while (!in.eat('}')) {
    if (!first && !in.eat(',')) return false;
    first = false;
    std::string_view name;
    if (!in.plain_string(name) || !in.eat(':')) return false;
    const std::size_t index = name == "dct" ? 0 : name == "ups" ? 1 : name == "colorspace" ? 2 : 3;
    if (index == 3 || seen[index]) return false;
    seen[index] = true;
    std::string_view colorspace;
    if (index == 0 && !in.boolean(c.dct)) return false;
    if (index == 1 && !in.boolean(c.ups)) return false;
    if (index == 2) {
      if (!in.plain_string(colorspace)) return false;
      c.colorspace.assign(colorspace);
    }
  }
  return seen[2];  // the full parser rejects a missing colorspace
}

bool read_compression(Scanner& in, Compression& c) {
  bool flag = false;
  std::string_view text;
  switch (in.peek()) {
    case 'f': return in.boolean(flag) && !flag;
    case 'n': return in.word("null");
    case '{': return jpeg_compression(in, c);
    case '"':
      if (!in.plain_string(text)) return false;
      if (text.empty()) {
        c.raw_as_string = true;
        return true;
      }
      for (auto ext : kImageExtensions) {
        if (text == ext) {
          c.kind = Compression::Kind::extension;
          c.extension.assign(text);
          return true;
        }
      }
      return false;
    default: return false;
  }
}

// null, true, false or a plain string; anything else goes to the full parser.
bool read_simple_value(Scanner& in, nlohmann::json& value) {
  bool flag = false;
  std::string_view text;
  switch (in.peek()) {
    case 'n': return in.word("null");  // value stays null
    case 't':
    case 'f':
      if (!in.boolean(flag)) return false;
      value = flag;
      return true;
    case '"':
      if (!in.plain_string(text)) return false;
      value = std::string(text);
      return true;
    default: return false;
  }
}

// [d, ...] with every d an integer in [0, 2^31), at most max_dims of them; or "".
bool read_shape(Scanner& in, std::optional<Shape>& shape) {
  std::string_view text;
  if (in.peek() == '"') return in.plain_string(text) && text.empty();  // "" leaves no shape
  if (!in.eat('[')) return false;
  shape.emplace();
  if (in.eat(']')) return true;
  do {
    std::uint64_t dim = 0;
    if (shape->size() == max_dims ||
        !in.unsigned_integer(dim, static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max())))
      return false;
    shape->push_back(static_cast<std::size_t>(dim));
  } while (in.eat(','));
  return in.eat(']');
}

bool read_value(Scanner& in, Key key, FrameHeader& h, bool& terminate) {
  std::string_view text;
  std::uint64_t seq = 0;
  std::int64_t sent_ns = 0;
  switch (key) {
    case Key::terminate_flag: return in.boolean(terminate);
    case Key::compression: return read_compression(in, h.compression);
    case Key::message: return read_simple_value(in, h.message);
    case Key::port: return read_simple_value(in, h.port);
    case Key::pattern:
      if (!in.plain_string(text)) return false;
      h.pattern.assign(text);
      return true;
    case Key::dtype:
      if (!in.plain_string(text)) return false;
      h.dtype.assign(text);
      return true;
    case Key::shape: return read_shape(in, h.shape);
    case Key::seq:
      if (!in.unsigned_integer(seq, std::numeric_limits<std::uint64_t>::max())) return false;
      h.seq = seq;
      return true;
    case Key::sent_ns:
      if (!in.signed_integer(sent_ns)) return false;
      h.sent_ns = sent_ns;
      return true;
  }
  return false;
}

}  // namespace

std::optional<FrameHeader> decode_frame_header_fast(std::string_view text) {
  Scanner in(text);
  FrameHeader h;
  KeySet seen;
  auto saw = [&](Key key) { return seen[static_cast<std::size_t>(key)]; };
  bool terminate = true;
  if (!in.eat('{')) return std::nullopt;
  bool first = true;
  while (!in.eat('}')) {
    if (!first && !in.eat(',')) return std::nullopt;
    first = false;
    std::string_view name;
    Key key{};
    if (!in.plain_string(name) || !key_of(name, key) || saw(key) || !in.eat(':')) return std::nullopt;
    seen.set(static_cast<std::size_t>(key));
    if (!read_value(in, key, h, terminate)) return std::nullopt;
  }
  if (!in.at_end() || !saw(Key::terminate_flag) || terminate) return std::nullopt;  // terminations: full parser
  // The full parser's rules for raw frames (it words the errors).
  const bool compressed = !h.compression.is_raw();
  if (!compressed && (!saw(Key::dtype) || h.dtype.empty() || !h.shape)) return std::nullopt;
  return h;
}

}  // namespace netgear::wire
