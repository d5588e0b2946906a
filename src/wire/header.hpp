#pragma once
// The first part of every NetGear message: a JSON header. Pure functions, no
// sockets: encode what we send, decode and validate what we receive.
// docs/protocol.md describes the format; ../shared/WIRE.md the vidgear facts.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "netgear/json_limits.hpp"
#include "wire/shape.hpp"

namespace netgear::wire {

/// A message from the network that breaks the protocol. what() says how.
class WireError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// How a frame's payload is encoded, as the header's `compression` key says.
struct Compression {
  enum class Kind {
    raw,        ///< `false` (vidgear >= 0.2) or `""` (0.1.x): raw array bytes
    extension,  ///< 0.1.x OpenCV codec: ".jpg", ".jpeg", ".png", ".bmp"
    jpeg,       ///< vidgear >= 0.2.1: {"dct", "ups", "colorspace"}, TurboJPEG
    video,      ///< netgear only: {"codec", "key", "width", "height", "channels"}, one video packet
  };
  Kind kind = Kind::raw;
  bool raw_as_string = false;  ///< raw written as "" (a 0.1.x sender)
  std::string extension;       ///< Kind::extension
  bool dct = true;             ///< Kind::jpeg: sender used fast DCT
  bool ups = false;            ///< Kind::jpeg: sender used fast upsampling
  std::string colorspace = "BGR";  ///< Kind::jpeg
  std::string codec;           ///< Kind::video: "h264" (at most max_codec_name bytes)
  bool keyframe = false;       ///< Kind::video: a decoder can start at this packet
  int width = 0, height = 0;   ///< Kind::video: the picture's size (1 .. 65535)
  int channels = 3;            ///< Kind::video: 3 (BGR) or 1 (grey)

  static constexpr std::size_t max_codec_name = 16;

  [[nodiscard]] bool is_raw() const noexcept { return kind == Kind::raw; }
};

/// Header of a frame message.
struct FrameHeader {
  Compression compression;
  nlohmann::json message;         ///< application data (null if none)
  std::string pattern = "0";      ///< the sender's pattern, as a string
  std::string dtype;              ///< numpy dtype name; may be "" when compressed
  /// numpy shape; nullopt when the header says "" (compressed, vidgear >= 0.2.1).
  std::optional<Shape> shape;
  nlohmann::json port;            ///< multi-server: the sender's port label (null = absent)
  std::optional<std::uint64_t> seq;      ///< netgear extension `netgear_seq`
  std::optional<std::int64_t> sent_ns;   ///< netgear extension `netgear_sent_ns` (unix ns)
  /// netgear extension `netgear_video`: the video codec the sender would
  /// rather use (this frame is a still image until the receiver accepts it).
  std::string video_offer;
};

/// Header of a termination message (`{"terminate_flag": true[, "port": p]}`).
struct Termination {
  nlohmann::json port;  ///< multi-server: the sender's port label (null = absent)
};

using Header = std::variant<FrameHeader, Termination>;

/// A frame header's fields by reference, for encoding one without copying
/// them (the sender's message, its port label).
struct FrameHeaderRef {
  const Compression& compression;
  const nlohmann::json& message;
  std::string_view pattern;
  std::string_view dtype;
  const Shape* shape;           ///< nullptr: `""`
  const nlohmann::json& port;   ///< null: absent
  std::optional<std::uint64_t> seq;
  std::optional<std::int64_t> sent_ns;
  std::string_view video_offer = {};  ///< "": absent
};

/// Encodes a frame header the way vidgear >= 0.2 orders it (port first when
/// present), with Python's separators, followed by the netgear extension keys.
/// Raw frames say `"compression": false` (falsy for 0.1.x, expected by latest).
std::string encode_header(const FrameHeader& header);

/// encode_header() into `out`, replacing its content and reusing its
/// capacity: no allocation once `out` has room, unless the message or port
/// needs one (numbers other than integers, strings with escapes).
void encode_header(std::string& out, const FrameHeaderRef& header);

/// Encodes a termination header.
std::string encode_termination(const Termination& termination);

/// Decodes a `compression` value (false, "", an extension, a jpeg object);
/// throws WireError.
Compression decode_compression(const nlohmann::json& value);

/// Decodes a shape array (<= max_dims non-negative ints < 2^31); throws WireError.
Shape decode_shape(const nlohmann::json& value);

/// Appends a `compression` value as encode_header writes it.
void append_compression(std::string& out, const Compression& compression);

/// Appends a shape as encode_header writes it: `[4, 5, 3]`, or `""` for none.
void append_shape(std::string& out, const Shape* shape);

/// How deep a header's text may nest: the header object, then a message (or
/// port label) of at most max_json_depth levels.
inline constexpr std::size_t header_json_depth = max_json_depth + 1;

/// Decodes and validates a header. Accepts everything vidgear 0.1.x and
/// 0.3.x emit. Throws WireError naming the bad key for anything else, and for
/// text nested deeper than header_json_depth (checked before parsing).
/// Headers as netgear and vidgear write them are read by decode_frame_header_fast
/// (no allocation for a null message); anything else goes through the JSON parser.
Header decode_header(std::string_view text);

/// decode_header() through nlohmann's JSON parser only (the reference the fast
/// path is tested against).
Header decode_header_full(std::string_view text);

/// The allocation-free path of decode_header(): reads a frame header made of
/// the keys netgear and vidgear write, with plain values (strings without
/// escapes, integers, true/false/null; a message that is null, a boolean or a
/// plain string). Returns nullopt for anything else — another key, a repeated
/// key, an escape, a termination, a header decode_header_full() rejects — so
/// that the full parser decides (and words the error). Throws nothing but
/// std::bad_alloc (a string message).
std::optional<FrameHeader> decode_frame_header_fast(std::string_view text);

}  // namespace netgear::wire
