#include "video_codec/decoder.hpp"

#include <cstring>

extern "C" {
#include <libavutil/pixdesc.h>
}

#include "video_codec/codecs.hpp"
#include "video_codec/ffmpeg.hpp"

namespace netgear::video_codec {
namespace {

using ffmpeg::error_text;

std::string said(const ffmpeg::LogCapture& log) { return log.text().empty() ? "" : " (" + log.text() + ")"; }

}  // namespace

struct VideoDecoder::State {
  const AVCodec* codec = nullptr;
  std::int64_t max_bytes = -1;
  ffmpeg::CodecContext ctx;
  ffmpeg::FramePtr picture{av_frame_alloc()};
  ffmpeg::PacketPtr packet{av_packet_alloc()};
  ffmpeg::SwsPtr sws;
  int sws_w = 0, sws_h = 0, sws_in = -1, sws_out = -1;

  void open() {
    ctx.reset(avcodec_alloc_context3(codec));
    if (!ctx) throw std::bad_alloc();
    ctx->flags |= AV_CODEC_FLAG_LOW_DELAY;  // a picture out for each packet in
    ctx->thread_type = FF_THREAD_SLICE;     // frame threads would hold pictures back
    ctx->err_recognition = AV_EF_EXPLODE;   // damaged data is an error, not concealed
    if (max_bytes > 0) ctx->max_pixels = std::max<std::int64_t>(1, max_bytes / 3);
    ffmpeg::LogCapture log;
    const int rc = avcodec_open2(ctx.get(), codec, nullptr);
    if (rc < 0)
      throw codec::CodecError("netgear: cannot open the " + std::string(codec->name) + " decoder: " + error_text(rc) +
                              said(log));
  }
};

VideoDecoder::VideoDecoder(std::string_view name, std::int64_t max_decoded_bytes) : state_(std::make_unique<State>()) {
  if (!find_codec(name))
    throw codec::CodecError("netgear: unknown video codec (known: " + std::string(codec_names()) + ")");
  const std::string codec(name);
  state_->codec = avcodec_find_decoder(avcodec_descriptor_get_by_name(codec.c_str())->id);
  if (!state_->codec) throw codec::CodecError("netgear: this FFmpeg has no " + codec + " decoder");
  if (!state_->picture || !state_->packet) throw std::bad_alloc();
  state_->max_bytes = max_decoded_bytes;
  state_->open();
}

VideoDecoder::~VideoDecoder() = default;

void VideoDecoder::reset() { state_->open(); }

std::optional<cv::Mat> VideoDecoder::decode(std::span<const unsigned char> bytes, int width, int height, bool gray) {
  auto& s = *state_;
  if (width < 1 || height < 1) throw codec::CodecError("netgear: a video frame must declare a positive size");
  const std::int64_t declared = std::int64_t{width} * height * (gray ? 1 : 3);
  if (s.max_bytes >= 0 && declared > s.max_bytes)
    throw codec::CodecError("netgear: a " + std::to_string(width) + "x" + std::to_string(height) +
                            " video frame is over max_decoded_size (" + std::to_string(s.max_bytes) + " bytes)");
  if (bytes.empty() || bytes.size() > static_cast<std::size_t>(INT32_MAX - AV_INPUT_BUFFER_PADDING_SIZE))
    throw codec::CodecError("netgear: a video packet of " + std::to_string(bytes.size()) + " bytes");
  // FFmpeg's parsers read past the end: the packet gets its zeroed padding.
  if (av_new_packet(s.packet.get(), static_cast<int>(bytes.size())) < 0) throw std::bad_alloc();
  std::memcpy(s.packet->data, bytes.data(), bytes.size());
  ffmpeg::LogCapture log;
  int rc = avcodec_send_packet(s.ctx.get(), s.packet.get());
  av_packet_unref(s.packet.get());
  if (rc < 0) throw codec::CodecError("netgear: undecodable video data: " + error_text(rc) + said(log));
  rc = avcodec_receive_frame(s.ctx.get(), s.picture.get());
  if (rc == AVERROR(EAGAIN)) return std::nullopt;
  if (rc < 0) throw codec::CodecError("netgear: undecodable video data: " + error_text(rc) + said(log));
  struct Unref {
    AVFrame* f;
    ~Unref() { av_frame_unref(f); }
  } unref{s.picture.get()};
  const AVFrame& f = *s.picture;
  if (f.decode_error_flags != 0 || (f.flags & AV_FRAME_FLAG_CORRUPT) != 0)
    throw codec::CodecError("netgear: a damaged video picture (a missing reference or bad data)" + said(log));
  // The coded size may be one pixel larger on a side (4:2:0 padding), never
  // smaller.
  if (f.width != width + (width & 1) || f.height != height + (height & 1))
    throw codec::CodecError("netgear: a video picture of " + std::to_string(f.width) + "x" + std::to_string(f.height) +
                            " where the header declares " + std::to_string(width) + "x" + std::to_string(height));
  const AVPixelFormat out = gray ? AV_PIX_FMT_GRAY8 : AV_PIX_FMT_BGR24;
  if (!s.sws || s.sws_w != f.width || s.sws_h != f.height || s.sws_in != f.format || s.sws_out != out) {
    s.sws.reset(sws_getContext(f.width, f.height, static_cast<AVPixelFormat>(f.format), f.width, f.height, out,
                               SWS_BILINEAR | SWS_ACCURATE_RND, nullptr, nullptr, nullptr));
    if (!s.sws) {
      const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(f.format));
      throw codec::CodecError("netgear: swscale cannot convert " + std::string(name ? name : "?"));
    }
    s.sws_w = f.width;
    s.sws_h = f.height;
    s.sws_in = f.format;
    s.sws_out = out;
  }
  cv::Mat picture(f.height, f.width, gray ? CV_8UC1 : CV_8UC3);
  std::uint8_t* planes[1] = {picture.data};
  const int strides[1] = {static_cast<int>(picture.step[0])};
  sws_scale(s.sws.get(), f.data, f.linesize, 0, f.height, planes, strides);
  if (f.width != width || f.height != height) return picture(cv::Rect(0, 0, width, height)).clone();
  return picture;
}

}  // namespace netgear::video_codec
