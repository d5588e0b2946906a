#pragma once
// What the encoder and decoder share of FFmpeg: owning pointers, error text,
// and FFmpeg's log. FFmpeg logs to stderr by default, which would print every
// failed hardware probe; netgear instead keeps what FFmpeg says while a
// codec opens or decodes (to put it in the error it throws) and otherwise
// passes errors to the `netgear` logger when one exists.

#include <memory>
#include <string>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/frame.h>
#include <libswscale/swscale.h>
}

namespace netgear::video_codec::ffmpeg {

struct CodecContextFree {
  void operator()(AVCodecContext* c) const noexcept { avcodec_free_context(&c); }
};
struct FrameFree {
  void operator()(AVFrame* f) const noexcept { av_frame_free(&f); }
};
struct PacketFree {
  void operator()(AVPacket* p) const noexcept { av_packet_free(&p); }
};
struct SwsFree {
  void operator()(SwsContext* s) const noexcept { sws_freeContext(s); }
};
using CodecContext = std::unique_ptr<AVCodecContext, CodecContextFree>;
using FramePtr = std::unique_ptr<AVFrame, FrameFree>;
using PacketPtr = std::unique_ptr<AVPacket, PacketFree>;
using SwsPtr = std::unique_ptr<SwsContext, SwsFree>;

/// FFmpeg's text for an AVERROR code.
std::string error_text(int code);

/// While one lives, FFmpeg's messages on this thread are kept (at most a few
/// hundred bytes) instead of logged. Installs netgear's log callback once.
class LogCapture {
 public:
  LogCapture();
  ~LogCapture();
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;
  /// What FFmpeg said, one line per message, "" if nothing.
  [[nodiscard]] const std::string& text() const { return kept_; }

 private:
  std::string kept_;
  std::string* previous_;
};

}  // namespace netgear::video_codec::ffmpeg
