#pragma once
// Replies a receiver sends back on patterns 0 and 1 (WIRE.md section 3.2).

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace netgear::wire {

/// A random 8-character [A-Z0-9] device id, as vidgear >= 0.2.2 makes one.
std::string make_device_id();

/// "Data received on device: <id> !" — the plain reply to a frame.
std::string frame_reply(std::string_view device_id);

/// Reply to a termination message on pattern 1 (vidgear >= 0.2 wording).
inline constexpr std::string_view termination_reply = "Termination signal successfully received at Client's end!";

/// What a sender makes of a reply: the `data` of a JSON reply object
/// ({"data": ...} or {"return_type": ..., "data": ...}), else the text itself.
nlohmann::json decode_reply(std::string_view reply);

}  // namespace netgear::wire
