#pragma once
// What a receiver makes of one message, without a socket: its header is
// read first (so the reply can go out before the payload is decoded, as
// vidgear does), then a frame is checked against the multi-server rules and
// decoded, or a termination is weighed against the roster of senders.
//
// Every outcome is a value; nothing a peer sends makes these functions
// throw (but std::bad_alloc). Used by the receiver's I/O thread only.

#include <string>
#include <variant>
#include <vector>
#include <zmq.hpp>

#include "frame_codec.hpp"
#include "netgear/options.hpp"
#include "netgear/receiver.hpp"
#include "receiver/roster.hpp"
#include "receiver/video_streams.hpp"
#include "wire/header.hpp"

namespace netgear::detail {

/// A malformed message: dropped and counted as bad. `why` quotes peer values
/// only through wire::peer_text.
struct Rejected {
  std::string why;
};
/// Multi-server PUB/SUB: a frame from a sender the `filter` excludes.
struct Filtered {};
/// A termination; `ends` when it ends the stream (every sender is done).
struct Terminated {
  bool ends = false;
};

class MessageHandler {
 public:
  /// `bound_ports`: the receiver's ports with wildcards resolved (the labels
  /// its senders stamp in multi-server mode).
  MessageHandler(const Settings& settings, std::vector<std::string> bound_ports);

  /// Reads a message's first part.
  std::variant<wire::FrameHeader, wire::Termination, Rejected> read_header(std::string_view first_part) const;

  /// What the reply to this frame says of video (netgear extension; see
  /// VideoStreams::answer), before the frame is decoded.
  std::optional<wire::VideoAnswer> video_answer(const wire::FrameHeader& header);

  /// The checks of a frame message of `count` parts before its payload is
  /// read: its stream's label ("" unless multi-server), Rejected, or
  /// Filtered (another sender than the `filter`).
  std::variant<std::string, Rejected, Filtered> check_frame(const wire::FrameHeader& header, std::size_t count) const;

  /// Records a checked frame of stream `label` as valid (multi-server: its
  /// sender is known from now on). take_frame() does this itself.
  void accept_frame(const std::string& label) {
    if (options_.multiserver_mode) roster_.frame_from(label);
  }

  /// A frame message of `count` parts (`parts` keeps the first two) whose
  /// header is `header`: the frame, decoded, with what came with it; Skipped
  /// for a video packet while its stream waits for a keyframe.
  std::variant<Received, Rejected, Filtered, Skipped> take_frame(wire::FrameHeader& header,
                                                                 std::vector<zmq::message_t>& parts, std::size_t count);

  /// A termination message.
  std::variant<Terminated, Rejected> take_termination(const wire::Termination& termination);

 private:
  const Options& options_;
  const Decoding decoding_;
  Roster roster_;  // multi-server only
  VideoStreams video_;
};

}  // namespace netgear::detail
