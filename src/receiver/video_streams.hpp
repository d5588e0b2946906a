#pragma once
// The receiving end of video-coded streams (netgear extension): one decoder
// per sender (one stream, or one per port label in multi-server mode), and
// the rule that keeps damaged pictures out: a stream that joined late, lost
// a packet (a gap in the sequence numbers) or failed to decode one skips
// every packet until the next keyframe, and asks its sender for one in its
// reply (patterns 0/1). Its answers also accept a sender's offer of a codec.
//
// Socket-free; used by the receiver's I/O thread only.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <zmq.hpp>

#include "netgear/frame.hpp"
#include "video_codec/decoder.hpp"
#include "wire/header.hpp"
#include "wire/reply.hpp"

namespace netgear::detail {

/// A video packet skipped while its stream waits for a keyframe.
struct Skipped {};

class VideoStreams {
 public:
  /// Video streams decoded at once (multi-server mode: senders of video).
  /// A decoder holds several pictures, so this is far below
  /// Roster::max_senders.
  static constexpr std::size_t max_streams = 32;

  /// `max_decoded_bytes`: the options' max_decoded_size (-1: no limit).
  explicit VideoStreams(std::int64_t max_decoded_bytes) : max_decoded_bytes_(max_decoded_bytes) {}

  /// The reply's answer to a frame from stream `label`, before it is
  /// decoded: nullopt for a frame that neither offers a codec nor carries a
  /// video packet. Records a gap in the stream's sequence numbers.
  std::optional<wire::VideoAnswer> answer(const wire::FrameHeader& header, const std::string& label);

  /// Decodes a video packet of stream `label`: the frame, Skipped (waiting
  /// for a keyframe), or the reason it is unreadable (the stream then waits
  /// for a keyframe too).
  std::variant<Frame, Skipped, std::string> take(const wire::FrameHeader& header, const zmq::message_t& payload,
                                                 const std::string& label);

  /// The sender of stream `label` ended it: its decoder goes.
  void forget(const std::string& label) { streams_.erase(label); }

 private:
  struct Stream {
    std::string codec;
    std::unique_ptr<video_codec::VideoDecoder> decoder;
    bool needs_keyframe = true;
    std::optional<std::uint64_t> last_seq;
  };
  /// The stream of `label`; nullptr when max_streams others are kept (a
  /// peer that invents labels gets no decoder for each).
  Stream* stream(const std::string& label);
  static void note(Stream& s, const wire::FrameHeader& h);

  const std::int64_t max_decoded_bytes_;
  std::map<std::string, Stream> streams_;  // at most max_streams
};

}  // namespace netgear::detail
