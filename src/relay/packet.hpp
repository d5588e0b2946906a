#pragma once
// One message as the relay forwards it: the bytes a sender sent (header,
// and payload unless it is a termination), with what the relay read from
// the header to route it. Copies share the payload's buffer (ZeroMQ counts
// references), so a packet costs every viewer a send, not a copy.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <zmq.hpp>

namespace netgear::relay {

using Clock = std::chrono::steady_clock;

struct Packet {
  std::string label;                      ///< the stream: port label ("" unless multi-server)
  zmq::message_t head;                    ///< the JSON header, as sent
  std::optional<zmq::message_t> payload;  ///< none: a termination
  std::string codec;                      ///< a video packet's codec ("h264"); "" for a still image
  bool keyframe = false;                  ///< a video packet a decoder can start at
  Clock::time_point arrived{};            ///< when the relay read it

  [[nodiscard]] bool termination() const { return !payload.has_value(); }
  [[nodiscard]] bool video() const { return !codec.empty(); }

  /// Another packet sharing this one's bytes.
  [[nodiscard]] Packet share() {
    Packet copy;
    copy.label = label;
    copy.codec = codec;
    copy.keyframe = keyframe;
    copy.arrived = arrived;
    copy.head.copy(head);
    if (payload) {
      copy.payload.emplace();
      copy.payload->copy(*payload);
    }
    return copy;
  }
};

}  // namespace netgear::relay
