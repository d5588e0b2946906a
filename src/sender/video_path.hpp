#pragma once
// The sender's side of video coding (video_codec): it turns frames into
// video packets and decides when one must be a keyframe. netgear receivers
// decode video; vidgear's cannot. So on patterns 0/1 the first frame goes
// as a JPEG still that offers the codec (header `netgear_video`), and the
// receiver's reply says whether it accepts; only then do video packets
// follow. A reply without the acceptance (vidgear's plain text) fails
// send() with ModeError, before any packet was sent; so does one while
// streaming (the receiver was replaced), after that one packet. PUB/SUB has no reply:
// there the channel watches the subscribers (see PublishChannel).
//
// Keyframes: the first packet, every video_keyframe_interval frames, when
// a receiver joins (PUB/SUB) or asks for one (its reply), and after any
// frame that may not have arrived (timed out, dropped, refused by a full
// socket) — the next packet would reference it.
//
// Not thread-safe: used by send() (one thread at a time, as the Sender's
// contract).

#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "codec/jpeg.hpp"
#include "frame_codec.hpp"
#include "netgear/options.hpp"
#include "netgear/sender.hpp"
#include "sender/channel.hpp"
#include "video_codec/encoder.hpp"

namespace netgear::detail {

class VideoPath {
 public:
  /// Signals are shared with the channel; both outlive this.
  VideoPath(const Settings& settings, VideoSignals& signals, spdlog::logger& log);

  /// One payload to send for a frame.
  struct Piece {
    zmq::message_t payload;
    PayloadInfo info;
  };

  /// The payloads for `frame`: one video packet (or a JPEG still that
  /// offers the codec, until a receiver accepted it). An encoder that holds
  /// frames back may give none now and more later. Throws ModeError once a
  /// receiver refused the codec, CodecError (a FrameError) for a frame the
  /// codec cannot carry or when no encoder opens.
  std::vector<Piece>& encode(const Frame& frame);

  /// What became of a payload encode() gave: the send's status, and the
  /// reply's answer (patterns 0/1). Throws ModeError when the receiver
  /// did not accept the offered codec.
  void outcome(SendStatus status, const std::optional<wire::VideoAnswer>& answer, const std::string& endpoint);

  /// The FFmpeg encoder in use; "" before the first packet. Thread-safe (stats()).
  [[nodiscard]] std::string encoder_name() const;
  /// Keyframes sent so far. Thread-safe (stats()).
  [[nodiscard]] std::uint64_t keyframes() const { return keyframes_; }

 private:
  enum class State { offering, streaming, refused };

  bool keyframe_due();

  const std::string codec_;
  const int interval_;
  VideoSignals& signals_;
  spdlog::logger& log_;
  video_codec::VideoEncoder encoder_;
  codec::JpegParams still_;  // the offer's JPEG
  State state_;
  const bool pattern_pub_sub_;  // no replies to read
  std::string refusal_;  // State::refused: what send() throws
  bool keyframe_next_ = true;
  bool offered_ = false;  // the piece in flight is an offer
  int since_keyframe_ = 0;
  std::uint64_t frame_number_ = 0;
  std::atomic<std::uint64_t> keyframes_{0};
  mutable std::mutex name_mutex_;
  std::string encoder_name_;  // guarded by name_mutex_: a copy stats() may read while send() encodes
  std::vector<Piece> pieces_;
  std::vector<unsigned char> scratch_;
};

}  // namespace netgear::detail
