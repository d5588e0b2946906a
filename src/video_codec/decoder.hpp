#pragma once
// A video decoder over FFmpeg's libavcodec for one stream (one sender): each
// packet in gives its picture out, at once (low-delay mode). It trusts
// nothing a peer sends: pictures larger than the limit are refused by the
// decoder before it allocates them, and a picture the decoder reports as
// damaged (a reference it never saw, bad data) is an error, never returned.
//
// Not thread-safe: one thread at a time (the receiver's I/O thread).

#include <cstdint>
#include <memory>
#include <opencv2/core/mat.hpp>
#include <optional>
#include <span>
#include <string_view>

#include "codec/jpeg.hpp"  // CodecError

namespace netgear::video_codec {

class VideoDecoder {
 public:
  /// A decoder for `codec` (one of kCodecs). `max_decoded_bytes`: the most
  /// bytes a picture may have as BGR (-1: no limit). Throws CodecError for an
  /// unknown codec or when this build has no libavcodec.
  VideoDecoder(std::string_view codec, std::int64_t max_decoded_bytes);
  ~VideoDecoder();
  VideoDecoder(const VideoDecoder&) = delete;
  VideoDecoder& operator=(const VideoDecoder&) = delete;

  /// Decodes one packet into a `width` x `height` picture, BGR (CV_8UC3) or,
  /// with `gray`, CV_8UC1. nullopt when the decoder holds the picture back
  /// (it does not, for streams the encoder above makes). Throws CodecError
  /// when the data is undecodable, the picture is damaged, or its size is
  /// not the one declared (or over the limit); the caller then waits for
  /// the next keyframe.
  std::optional<cv::Mat> decode(std::span<const unsigned char> packet, int width, int height, bool gray);

  /// Forgets the stream: the next packet must be a keyframe.
  void reset();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace netgear::video_codec
