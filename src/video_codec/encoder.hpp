#pragma once
// A real-time video encoder over FFmpeg's libavcodec: frames in, one packet
// per frame out, no frame of delay (no B-frames, no look-ahead, zero-latency
// tuning), a keyframe whenever the caller asks for one and every
// `keyframe_interval` frames.
//
// The encoder is chosen by name from a list: the first that opens for the
// frame's size is used (a hardware encoder where the machine has one); why
// the others did not open is kept for the error message and the log.
//
// Not thread-safe: one thread at a time (the Sender's encode path).

#include <cstdint>
#include <memory>
#include <opencv2/core/mat.hpp>
#include <string>
#include <vector>

#include "codec/jpeg.hpp"  // CodecError

namespace netgear::video_codec {

struct EncoderParams {
  std::string codec = "h264";         ///< one of kCodecs
  std::vector<std::string> encoders;  ///< FFmpeg encoder names, tried in order;
                                      ///< empty: the codec's defaults
  std::int64_t bitrate = 0;           ///< bits per second; 0: constant quality
  int quality = 23;                   ///< constant-quality level (x264's CRF scale, 0-51) when bitrate is 0
  int keyframe_interval = 60;         ///< frames between keyframes; 0: only when asked for
  std::string preset;                 ///< the encoder's speed preset; empty: a real-time
                                      ///< default per encoder
  int fps = 30;                       ///< nominal frame rate, for rate control
};

/// One encoded frame.
struct Packet {
  std::vector<unsigned char> bytes;
  bool keyframe = false;
  std::uint64_t frame = 0;  ///< the frame_number it was encoded from
};

class VideoEncoder {
 public:
  /// Checks the codec name; the encoder itself opens at the first frame (it
  /// needs the frame's size). Throws CodecError for an unknown codec, or when
  /// this build has no libavcodec.
  explicit VideoEncoder(EncoderParams params);
  ~VideoEncoder();
  VideoEncoder(const VideoEncoder&) = delete;
  VideoEncoder& operator=(const VideoEncoder&) = delete;

  /// Encodes an 8-bit frame with 1 (grey) or 3 (BGR) channels and returns the
  /// packets that came out: exactly one, for this frame, with every encoder
  /// that honours the real-time settings (one that buffers may return none
  /// now and two later; each names its frame). A frame of another size
  /// reopens the encoder, so its packet is a keyframe. Odd sides are padded
  /// by one pixel (4:2:0 needs even sides); the decoder crops them off.
  /// Throws CodecError for another depth or channel count, when no encoder on
  /// the list opens (naming each and why), or when encoding fails. The
  /// returned vector is reused by the next call.
  const std::vector<Packet>& encode(const cv::Mat& image, bool force_keyframe, std::uint64_t frame_number);

  /// The FFmpeg encoder in use ("libx264"); empty before the first frame.
  [[nodiscard]] const std::string& encoder_name() const;
  /// The encoders before it on the list that did not open, and why ("" if
  /// none).
  [[nodiscard]] const std::string& not_opened() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace netgear::video_codec
