#pragma once
// Replies a receiver sends back on patterns 0 and 1 (WIRE.md section 3.2):
// vidgear's plain text, the JSON data reply of bidirectional and multi-client
// modes, and the two-part reply that carries an array.

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "wire/header.hpp"

namespace netgear::wire {

/// A random 8-character [A-Z0-9] device id, as vidgear >= 0.2.2 makes one.
std::string make_device_id();

/// "Data received on device: <id> !" — the plain reply to a frame.
std::string frame_reply(std::string_view device_id);

/// Reply to a termination message on pattern 1 (vidgear >= 0.2 wording).
inline constexpr std::string_view termination_reply = "Termination signal successfully received at Client's end!";
/// The same in multi-server mode (vidgear >= 0.2 wording).
inline constexpr std::string_view multiserver_termination_reply =
    "Termination signal successfully received at client!";

/// Python's type name of a JSON value as vidgear writes it in `return_type`
/// ("NoneType", "bool", "int", "float", "str", "list", "dict").
std::string python_type_name(const nlohmann::json& value);

/// `{["port": p, ]"return_type": <type>, "data": <data>}`: the data reply of
/// bidirectional and multi-client modes. 0.1.x senders read only `data`.
std::string encode_data_reply(const nlohmann::json& data, const nlohmann::json& port);

/// First part of a reply that carries an array (vidgear >= 0.3 bidirectional).
struct ArrayReply {
  nlohmann::json port;             ///< null = absent
  Compression compression;         ///< raw (false) or jpeg
  std::string dtype;               ///< `array_dtype`; "" when compressed
  std::optional<Shape> shape;      ///< `array_shape`; nullopt when ""
};

/// `{["port",] "return_type": "ndarray", "compression", "array_dtype", "array_shape", "data": null}`.
std::string encode_array_reply(const ArrayReply& reply);

/// netgear extension `netgear_video` of a data reply: a netgear receiver's
/// answer to a frame that offers a video codec or carries a video packet.
struct VideoAnswer {
  std::string accept;     ///< the codec it decodes ("h264"); "" = it cannot
  bool keyframe = false;  ///< it waits for a keyframe (it joined late or lost a packet)
};

/// Appends `"netgear_video": {...}` to a JSON reply made by encode_data_reply
/// or encode_array_reply (before its closing brace).
void append_video_answer(std::string& reply, const VideoAnswer& answer);

/// What a sender makes of a reply's first part.
struct Reply {
  nlohmann::json data;               ///< `data` of a JSON reply, else the reply text
  nlohmann::json port;               ///< multi-client: the receiver's port; null otherwise
  std::optional<ArrayReply> array;   ///< set when an array follows in a second part
  std::optional<VideoAnswer> video;  ///< a netgear receiver's `netgear_video` answer
};

/// Decodes a reply's first part. Never throws (but std::bad_alloc): anything
/// that is not one of vidgear's JSON replies is taken as text (made valid
/// UTF-8, see utf8_text), and so is a
/// JSON reply nested deeper than max_json_depth + 1 (not parsed at all).
Reply decode_reply(std::string_view first_part);

}  // namespace netgear::wire
