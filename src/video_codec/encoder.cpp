#include "video_codec/encoder.hpp"

#include <deque>
#include <sstream>

extern "C" {
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
}

#include <opencv2/core.hpp>

#include "video_codec/codecs.hpp"
#include "video_codec/ffmpeg.hpp"

namespace netgear::video_codec {
namespace {

using ffmpeg::error_text;

// Keyframes come when this side decides (keyframe_interval, a new receiver,
// a receiver that asks): the encoder's own GOP is made longer than any stream.
constexpr int kEncoderGop = 1 << 20;

// The VBV buffer holds this many frames' worth of bits: a keyframe may be
// about this many average frames, not a second of them, so that on a link
// run at the bitrate it costs about this many frame times of latency.
// Measured at 720p30, 7 Mbit/s over a 10 Mbit/s link: 4 frames gave p99
// latency 114 ms, 2 frames 57 ms, for 0.1 dB of luma PSNR.
constexpr int kBufferFrames = 2;

std::vector<std::string> split(std::string_view list) {
  std::vector<std::string> names;
  std::string item;
  std::istringstream in{std::string(list)};
  while (std::getline(in, item, ','))
    if (!item.empty()) names.push_back(item);
  return names;
}

void set(AVDictionary** options, const char* key, const std::string& value) {
  av_dict_set(options, key, value.c_str(), 0);
}

// The real-time settings of the encoders we know; others get the generic
// ones (no B-frames, our GOP, the bitrate) and whatever else is theirs.
AVDictionary* tuned_options(const std::string& encoder, const EncoderParams& p) {
  AVDictionary* o = nullptr;
  if (encoder == "libx264") {
    set(&o, "preset", p.preset.empty() ? "superfast" : p.preset);
    set(&o, "tune", "zerolatency");
    set(&o, "forced-idr",
        "1");  // an asked-for keyframe is an IDR: a new decoder can start there
    if (p.bitrate == 0) set(&o, "crf", std::to_string(p.quality));
  } else if (encoder == "libopenh264") {
    set(&o, "allow_skip_frames", "0");  // one packet per frame, always
    set(&o, "rc_mode", p.bitrate == 0 ? "quality" : "bitrate");
  } else if (encoder.ends_with("_nvenc")) {
    set(&o, "preset", p.preset.empty() ? "p1" : p.preset);
    set(&o, "tune", "ull");
    set(&o, "zerolatency", "1");
    set(&o, "delay", "0");
    set(&o, "forced-idr", "1");
    if (p.bitrate == 0) {
      set(&o, "rc", "constqp");
      set(&o, "qp", std::to_string(p.quality));
    } else {
      set(&o, "rc", "cbr");
    }
  } else if (!p.preset.empty()) {
    set(&o, "preset", p.preset);
  }
  return o;
}

AVPixelFormat input_format(int channels) { return channels == 1 ? AV_PIX_FMT_GRAY8 : AV_PIX_FMT_BGR24; }

// 4:2:0 when the encoder takes it, else its first format (NV12 for some
// hardware encoders); swscale converts to either.
AVPixelFormat coded_format(const AVCodec* codec) {
  if (!codec->pix_fmts) return AV_PIX_FMT_YUV420P;
  for (auto* f = codec->pix_fmts; *f != AV_PIX_FMT_NONE; ++f)
    if (*f == AV_PIX_FMT_YUV420P) return *f;
  return codec->pix_fmts[0];
}

}  // namespace

struct VideoEncoder::State {
  EncoderParams params;
  std::vector<std::string> candidates;
  std::string name;        // the encoder in use
  std::string not_opened;  // the candidates before it, and why
  ffmpeg::CodecContext ctx;
  ffmpeg::FramePtr picture;
  ffmpeg::PacketPtr packet{av_packet_alloc()};
  ffmpeg::SwsPtr sws;
  int width = 0, height = 0,
      channels = 0;  // of the frames given (before padding)
  std::int64_t next_pts = 0;
  std::deque<std::pair<std::int64_t, std::uint64_t>> in_flight;  // pts -> frame_number
  std::vector<Packet> out;
  cv::Mat padded;

  void open(int w, int h, int ch);
  bool try_open(const std::string& encoder, int coded_w, int coded_h, std::string& why);
  void drain();
};

VideoEncoder::VideoEncoder(EncoderParams params) : state_(std::make_unique<State>()) {
  const auto codec = find_codec(params.codec);
  if (!codec)
    throw codec::CodecError("netgear: unknown video codec '" + params.codec +
                            "' (known: " + std::string(codec_names()) + ")");
  state_->candidates = params.encoders.empty() ? split(codec->default_encoders) : params.encoders;
  state_->params = std::move(params);
  if (!state_->packet) throw std::bad_alloc();
}

VideoEncoder::~VideoEncoder() = default;

const std::string& VideoEncoder::encoder_name() const { return state_->name; }

bool VideoEncoder::State::try_open(const std::string& encoder, int coded_w, int coded_h, std::string& why) {
  const AVCodec* codec = avcodec_find_encoder_by_name(encoder.c_str());
  if (!codec) {
    why = "not in this FFmpeg";
    return false;
  }
  if (codec->type != AVMEDIA_TYPE_VIDEO || std::string_view(avcodec_get_name(codec->id)) != params.codec) {
    why = std::string("encodes ") + avcodec_get_name(codec->id) + ", not " + params.codec;
    return false;
  }
  ffmpeg::CodecContext c(avcodec_alloc_context3(codec));
  if (!c) throw std::bad_alloc();
  c->width = coded_w;
  c->height = coded_h;
  c->pix_fmt = coded_format(codec);
  c->time_base = AVRational{1, params.fps};
  c->framerate = AVRational{params.fps, 1};
  c->gop_size = kEncoderGop;
  c->max_b_frames = 0;
  c->thread_type = FF_THREAD_SLICE;  // frame threads hold frames back; slices do not
  if (params.bitrate > 0) {
    c->bit_rate = params.bitrate;
    c->rc_max_rate = params.bitrate;
    c->rc_buffer_size =
        static_cast<int>(std::min<std::int64_t>(params.bitrate * kBufferFrames / params.fps, INT32_MAX));
  }
  AVDictionary* options = tuned_options(encoder, params);
  ffmpeg::LogCapture said;
  const int rc = avcodec_open2(c.get(), codec, &options);
  av_dict_free(&options);
  if (rc < 0) {
    why = error_text(rc) + (said.text().empty() ? "" : " (" + said.text() + ")");
    return false;
  }
  ctx = std::move(c);
  name = encoder;
  return true;
}

void VideoEncoder::State::open(int w, int h, int ch) {
  ctx.reset();
  sws.reset();
  in_flight.clear();
  const int coded_w = w + (w & 1), coded_h = h + (h & 1);
  std::string tried;
  for (const auto& encoder : candidates) {
    std::string why;
    if (try_open(encoder, coded_w, coded_h, why)) break;
    tried += (tried.empty() ? "" : "; ") + encoder + ": " + why;
  }
  if (!ctx)
    throw codec::CodecError("netgear: no " + params.codec + " encoder opened for " + std::to_string(w) + "x" +
                            std::to_string(h) + " (" + tried + ")");
  not_opened = tried;
  picture.reset(av_frame_alloc());
  if (!picture) throw std::bad_alloc();
  picture->format = ctx->pix_fmt;
  picture->width = coded_w;
  picture->height = coded_h;
  if (av_frame_get_buffer(picture.get(), 0) < 0) throw std::bad_alloc();
  sws.reset(sws_getContext(coded_w, coded_h, input_format(ch), coded_w, coded_h, ctx->pix_fmt,
                           SWS_BILINEAR | SWS_ACCURATE_RND, nullptr, nullptr, nullptr));
  if (!sws)
    throw codec::CodecError("netgear: swscale cannot convert to " + std::string(av_get_pix_fmt_name(ctx->pix_fmt)));
  width = w;
  height = h;
  channels = ch;
}

const std::string& VideoEncoder::not_opened() const { return state_->not_opened; }

void VideoEncoder::State::drain() {
  for (;;) {
    const int rc = avcodec_receive_packet(ctx.get(), packet.get());
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return;
    if (rc < 0) throw codec::CodecError("netgear: " + name + " failed: " + error_text(rc));
    Packet p;
    p.bytes.assign(packet->data, packet->data + packet->size);
    p.keyframe = (packet->flags & AV_PKT_FLAG_KEY) != 0;
    // The frame it came from: encoders keep the pts of their input.
    while (!in_flight.empty() && in_flight.front().first < packet->pts) in_flight.pop_front();
    if (!in_flight.empty() && in_flight.front().first == packet->pts) {
      p.frame = in_flight.front().second;
      in_flight.pop_front();
    }
    av_packet_unref(packet.get());
    out.push_back(std::move(p));
  }
}

const std::vector<Packet>& VideoEncoder::encode(const cv::Mat& image, bool force_keyframe, std::uint64_t frame_number) {
  auto& s = *state_;
  s.out.clear();
  if (image.depth() != CV_8U || (image.channels() != 1 && image.channels() != 3))
    throw codec::CodecError("netgear: " + s.params.codec + " carries 8-bit frames with 1 or 3 channels, not depth " +
                            std::to_string(image.depth()) + " with " + std::to_string(image.channels()) + " channels");
  if (image.empty()) throw codec::CodecError("netgear: cannot encode an empty frame");
  if (!s.ctx || image.cols != s.width || image.rows != s.height || image.channels() != s.channels)
    s.open(image.cols, image.rows, image.channels());
  const cv::Mat* source = &image;
  if ((image.cols & 1) || (image.rows & 1) || !image.isContinuous()) {
    cv::copyMakeBorder(image, s.padded, 0, image.rows & 1, 0, image.cols & 1, cv::BORDER_REPLICATE);
    source = &s.padded;
  }
  if (av_frame_make_writable(s.picture.get()) < 0) throw std::bad_alloc();
  const std::uint8_t* planes[1] = {source->data};
  const int strides[1] = {static_cast<int>(source->step[0])};
  sws_scale(s.sws.get(), planes, strides, 0, source->rows, s.picture->data, s.picture->linesize);
  s.picture->pts = s.next_pts++;
  s.picture->pict_type = force_keyframe ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
  s.in_flight.emplace_back(s.picture->pts, frame_number);
  {
    ffmpeg::LogCapture said;
    const int rc = avcodec_send_frame(s.ctx.get(), s.picture.get());
    if (rc < 0)
      throw codec::CodecError("netgear: " + s.name + " refused a frame: " + error_text(rc) +
                              (said.text().empty() ? "" : " (" + said.text() + ")"));
    s.drain();
  }
  if (s.in_flight.size() > 64) s.in_flight.pop_front();  // an encoder that drops frames must not grow this
  return s.out;
}

}  // namespace netgear::video_codec
