#include "wire/header.hpp"

#include <array>
#include <limits>

#include "wire/compression_names.hpp"
#include "wire/json_depth.hpp"
#include "wire/json_text.hpp"
#include "wire/peer_text.hpp"

namespace netgear::wire {
namespace {

using json = nlohmann::json;

void append_key(std::string& out, std::string_view key) {
  out += out.size() > 1 ? ", \"" : "\"";
  out += key;
  out += "\": ";
}

}  // namespace

void append_compression(std::string& out, const Compression& c) {
  switch (c.kind) {
    case Compression::Kind::raw:
      out += c.raw_as_string ? "\"\"" : "false";
      return;
    case Compression::Kind::extension:
      append_python_json(out, c.extension);
      return;
    case Compression::Kind::jpeg:
      out += "{\"dct\": ";
      out += c.dct ? "true" : "false";
      out += ", \"ups\": ";
      out += c.ups ? "true" : "false";
      out += ", \"colorspace\": ";
      append_python_json(out, c.colorspace);
      out += '}';
      return;
    case Compression::Kind::video:
      out += "{\"codec\": ";
      append_python_string(out, c.codec);
      out += ", \"key\": ";
      out += c.keyframe ? "true" : "false";
      out += ", \"width\": ";
      append_integer(out, c.width);
      out += ", \"height\": ";
      append_integer(out, c.height);
      out += ", \"channels\": ";
      append_integer(out, c.channels);
      out += '}';
      return;
  }
}

void append_shape(std::string& out, const Shape* shape) {
  if (!shape) {
    out += "\"\"";
    return;
  }
  out += '[';
  for (std::size_t i = 0; i < shape->size(); ++i) {
    if (i) out += ", ";
    append_integer(out, (*shape)[i]);
  }
  out += ']';
}

namespace {

int video_dimension(const json& object, const char* key, int lo, int hi) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer() || it->get<std::int64_t>() < lo || it->get<std::int64_t>() > hi)
    throw WireError(std::string("header key 'compression' is a video packet without an integer '") + key + "' in " +
                    std::to_string(lo) + ".." + std::to_string(hi));
  return static_cast<int>(it->get<std::int64_t>());
}

// {"codec": "h264", "key": bool, "width": W, "height": H, "channels": 1|3}
Compression decode_video(const json& value) {
  Compression c;
  c.kind = Compression::Kind::video;
  const auto& codec = value.at("codec");
  if (!codec.is_string() || codec.get_ref<const std::string&>().empty() ||
      codec.get_ref<const std::string&>().size() > Compression::max_codec_name)
    throw WireError(
        "header key 'compression' names a video codec that is not "
        "a short string");
  c.codec = codec.get<std::string>();
  auto key = value.find("key");
  if (key == value.end() || !key->is_boolean())
    throw WireError("header key 'compression' is a video packet without a boolean 'key'");
  c.keyframe = key->get<bool>();
  c.width = video_dimension(value, "width", 1, 65535);
  c.height = video_dimension(value, "height", 1, 65535);
  c.channels = video_dimension(value, "channels", 1, 3);
  if (c.channels == 2) throw WireError("header key 'compression' is a video packet of 2 channels (1 or 3)");
  return c;
}

}  // namespace

Compression decode_compression(const json& value) {
  Compression c;
  if (value.is_boolean()) {
    if (value.get<bool>()) throw WireError("header key 'compression' is true; expected false, a string or an object");
    return c;
  }
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    if (text.empty()) {
      c.raw_as_string = true;
      return c;
    }
    for (auto ext : kImageExtensions) {
      if (text == ext) {
        c.kind = Compression::Kind::extension;
        c.extension = text;
        return c;
      }
    }
    throw WireError("header key 'compression' names an unknown format '" + peer_text(text) +
                    "' (expected " + name_list(kImageExtensions) + ")");
  }
  if (value.is_object() && value.contains("codec")) return decode_video(value);
  if (value.is_object()) {
    c.kind = Compression::Kind::jpeg;
    if (auto it = value.find("dct"); it != value.end() && it->is_boolean()) c.dct = it->get<bool>();
    if (auto it = value.find("ups"); it != value.end() && it->is_boolean()) c.ups = it->get<bool>();
    auto cs = value.find("colorspace");
    if (cs == value.end() || !cs->is_string())
      throw WireError("header key 'compression' is an object without a string 'colorspace'");
    c.colorspace = cs->get<std::string>();
    return c;
  }
  if (value.is_null()) return c;
  throw WireError("header key 'compression' has type " + std::string(value.type_name()));
}

Shape decode_shape(const json& value) {
  if (!value.is_array()) throw WireError("header key 'shape' is not a list");
  if (value.size() > max_dims)
    throw WireError("header key 'shape' has " + std::to_string(value.size()) + " dimensions (at most " +
                    std::to_string(max_dims) + ")");
  Shape shape;
  for (const auto& dim : value) {
    if (!dim.is_number_integer()) throw WireError("header key 'shape' holds a non-integer: " + peer_text(dim.dump()));
    if (dim.is_number_unsigned() ? dim.get<std::uint64_t>() > std::numeric_limits<std::int32_t>::max()
                                 : (dim.get<std::int64_t>() < 0 ||
                                    dim.get<std::int64_t>() > std::numeric_limits<std::int32_t>::max()))
      throw WireError("header key 'shape' holds an out-of-range dimension: " + peer_text(dim.dump()));
    shape.push_back(dim.get<std::size_t>());
  }
  return shape;
}

namespace {

std::string decode_pattern(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return std::to_string(value.get<std::int64_t>());
  throw WireError("header key 'pattern' is neither a string nor an integer");
}

FrameHeader decode_frame_header(const json& object) {
  FrameHeader h;
  if (auto it = object.find("compression"); it != object.end()) h.compression = decode_compression(*it);
  if (auto it = object.find("message"); it != object.end()) h.message = *it;
  if (auto it = object.find("pattern"); it != object.end()) h.pattern = decode_pattern(*it);
  if (auto it = object.find("port"); it != object.end()) h.port = *it;

  auto dtype = object.find("dtype");
  auto shape = object.find("shape");
  const bool compressed = !h.compression.is_raw();
  if (dtype == object.end() || !dtype->is_string()) {
    if (!compressed || (dtype != object.end() && !dtype->is_null()))
      throw WireError("header key 'dtype' is missing or not a string");
  } else {
    h.dtype = dtype->get<std::string>();
  }
  if (shape == object.end() || (shape->is_string() && shape->get_ref<const std::string&>().empty())) {
    if (!compressed) throw WireError("header key 'shape' is missing or empty for a raw frame");
  } else {
    h.shape = decode_shape(*shape);
  }
  if (!compressed && h.dtype.empty()) throw WireError("header key 'dtype' is empty for a raw frame");

  if (auto it = object.find("netgear_seq"); it != object.end()) {
    if (!it->is_number_unsigned()) throw WireError("header key 'netgear_seq' is not a non-negative integer");
    h.seq = it->get<std::uint64_t>();
  }
  if (auto it = object.find("netgear_sent_ns"); it != object.end()) {
    if (!it->is_number_integer()) throw WireError("header key 'netgear_sent_ns' is not an integer");
    h.sent_ns = it->get<std::int64_t>();
  }
  if (auto it = object.find("netgear_video"); it != object.end()) {
    if (!it->is_string() || it->get_ref<const std::string&>().size() > Compression::max_codec_name)
      throw WireError("header key 'netgear_video' is not a short string");
    h.video_offer = it->get<std::string>();
  }
  return h;
}

}  // namespace

void encode_header(std::string& out, const FrameHeaderRef& h) {
  out.clear();
  out += '{';
  if (!h.port.is_null()) {
    append_key(out, "port");
    append_python_json(out, h.port);
  }
  append_key(out, "terminate_flag");
  out += "false";
  append_key(out, "compression");
  append_compression(out, h.compression);
  append_key(out, "message");
  append_python_json(out, h.message);
  append_key(out, "pattern");
  append_python_string(out, h.pattern);
  append_key(out, "dtype");
  append_python_string(out, h.dtype);
  append_key(out, "shape");
  append_shape(out, h.shape);
  if (h.seq) {
    append_key(out, "netgear_seq");
    append_integer(out, *h.seq);
  }
  if (h.sent_ns) {
    append_key(out, "netgear_sent_ns");
    append_integer(out, *h.sent_ns);
  }
  if (!h.video_offer.empty()) {
    append_key(out, "netgear_video");
    append_python_string(out, h.video_offer);
  }
  out += '}';
}

std::string encode_header(const FrameHeader& h) {
  std::string out;
  out.reserve(192);
  encode_header(out, {h.compression, h.message, h.pattern, h.dtype, h.shape ? &*h.shape : nullptr, h.port, h.seq,
                      h.sent_ns, h.video_offer});
  return out;
}

std::string encode_termination(const Termination& t) {
  std::string out = "{\"terminate_flag\": true";
  if (!t.port.is_null()) {
    out += ", \"port\": ";
    append_python_json(out, t.port);
  }
  out += '}';
  return out;
}

Header decode_header(std::string_view text) {
  if (auto fast = decode_frame_header_fast(text)) return std::move(*fast);
  return decode_header_full(text);
}

Header decode_header_full(std::string_view text) {
  // Before the parser: the values it builds are copied, compared and dumped
  // recursively. The header object itself is one level above the message.
  if (!json_text_depth_within(text, header_json_depth))
    throw WireError("header is nested deeper than " + std::to_string(header_json_depth) +
                    " levels (a message holds at most " + std::to_string(max_json_depth) + ")");
  json object = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded()) throw WireError("header is not valid JSON");
  if (!object.is_object()) throw WireError("header is JSON but not an object");
  auto flag = object.find("terminate_flag");
  if (flag == object.end()) throw WireError("header key 'terminate_flag' is missing");
  if (!flag->is_boolean()) throw WireError("header key 'terminate_flag' is not a boolean");
  if (flag->get<bool>()) {
    Termination t;
    if (auto it = object.find("port"); it != object.end()) t.port = *it;
    return t;
  }
  return decode_frame_header(object);
}

}  // namespace netgear::wire
