#pragma once
// What a relay puts in place of decoding. A receiver made with a tap reads,
// checks and answers every message as any receiver does (patterns, replies,
// secure mode, multi-server labels, silence and vanished senders, dialing or
// binding), but hands each valid message's bytes to the tap on its I/O
// thread instead of decoding it and queueing a frame: header and payload
// pass through untouched.

#include <optional>
#include <string>

#include <zmq.hpp>

#include "netgear/receiver.hpp"
#include "wire/header.hpp"
#include "wire/reply.hpp"

namespace netgear::detail {

class FrameTap {
 public:
  virtual ~FrameTap() = default;

  /// The answer the reply (patterns 0/1) gives a frame of stream `label`
  /// ("" unless multi-server) about video: whether it takes the codec offered
  /// or sent, and whether it wants a keyframe. nullopt: nothing to say.
  virtual std::optional<wire::VideoAnswer> video_answer(const wire::FrameHeader& header, const std::string& label) = 0;

  /// A frame message whose header passed the checks. The parts may be moved from.
  virtual void frame(const wire::FrameHeader& header, const std::string& label, zmq::message_t& head,
                     zmq::message_t& payload) = 0;

  /// A termination; `ends`: it ends the stream. A tapped receiver then goes
  /// on, on the same socket, with the next stream.
  virtual void termination(const std::string& label, zmq::message_t& head, bool ends) = 0;
};

/// A Receiver whose frames go to `tap` (which must outlive it); it outlives
/// its streams (a termination does not end it; silence, vanished senders or
/// a failure do); recv() returns nothing.
Receiver make_tapped_receiver(Settings settings, FrameTap& tap);

}  // namespace netgear::detail
