#include "sender/video_path.hpp"

#include "netgear/error.hpp"

namespace netgear::detail {
namespace {

video_codec::EncoderParams encoder_params(const Options& o) {
  return {
      .codec = o.video_codec,
      .encoders = o.video_encoder,
      .bitrate = o.video_bitrate,
      .quality = o.video_quality,
      .keyframe_interval = o.video_keyframe_interval,
      .preset = o.video_preset,
      .fps = o.video_fps,
  };
}

}  // namespace

VideoPath::VideoPath(const Settings& settings, VideoSignals& signals, spdlog::logger& log)
    : codec_(settings.options.video_codec),
      interval_(settings.options.video_keyframe_interval),
      signals_(signals),
      log_(log),
      encoder_(encoder_params(settings.options)),
      // PUB/SUB cannot ask: its channel watches the subscribers instead.
      state_(settings.pattern == Pattern::pub_sub ? State::streaming : State::offering),
      pattern_pub_sub_(settings.pattern == Pattern::pub_sub) {
  still_.quality = settings.options.jpeg_compression_quality;
}

std::string VideoPath::encoder_name() const {
  std::lock_guard lock(name_mutex_);
  return encoder_name_;
}

bool VideoPath::keyframe_due() {
  const bool wanted = signals_.keyframe_wanted.exchange(false);
  return keyframe_next_ || wanted || (interval_ > 0 && since_keyframe_ >= interval_);
}

std::vector<VideoPath::Piece>& VideoPath::encode(const Frame& frame) {
  pieces_.clear();
  if (state_ == State::refused) throw ModeError(refusal_);
  const cv::Mat image = image_view(frame);
  if (state_ == State::offering) {
    // A still every receiver shows; the header asks a netgear receiver to
    // accept the codec.
    Encoding still;
    still.kind = Encoding::Kind::jpeg;
    still.jpeg = still_;
    if (image.channels() == 1) still.jpeg.colorspace = "GRAY";
    Piece piece;
    piece.payload = encode_payload(frame, still, piece.info);
    piece.info.video_offer = codec_;
    offered_ = true;
    pieces_.push_back(std::move(piece));
    return pieces_;
  }
  offered_ = false;
  const bool key = keyframe_due();
  const std::string before = encoder_.encoder_name();
  for (const auto& packet : encoder_.encode(image, key, frame_number_++)) {
    Piece piece;
    piece.payload = zmq::message_t(packet.bytes.data(), packet.bytes.size());
    auto& c = piece.info.compression;
    c.kind = wire::Compression::Kind::video;
    c.codec = codec_;
    c.keyframe = packet.keyframe;
    c.width = image.cols;
    c.height = image.rows;
    c.channels = image.channels();
    // vidgear 0.1.x reads dtype/shape before it fails to decode: it fails,
    // never shows garbage.
    piece.info.dtype = "uint8";
    piece.info.shape = wire::Shape{packet.bytes.size()};
    if (packet.keyframe) {
      ++keyframes_;
      since_keyframe_ = 0;
      keyframe_next_ = false;
    }
    pieces_.push_back(std::move(piece));
  }
  ++since_keyframe_;
  if (before != encoder_.encoder_name()) {
    {
      std::lock_guard lock(name_mutex_);
      encoder_name_ = encoder_.encoder_name();
    }
    log_.info("sender: {} video through {}{}", codec_, encoder_.encoder_name(),
              encoder_.not_opened().empty() ? "" : " (not opened: " + encoder_.not_opened() + ")");
  }
  return pieces_;
}

void VideoPath::outcome(SendStatus status, const std::optional<wire::VideoAnswer>& answer,
                        const std::string& endpoint) {
  const bool arrived = status == SendStatus::delivered || status == SendStatus::queued;
  if (!arrived) keyframe_next_ = true;  // the next packet would reference one that may be lost
  if (answer && answer->keyframe) keyframe_next_ = true;
  if (status != SendStatus::delivered) return;  // an offer that was not answered is made again
  const bool accepted = answer && answer->accept == codec_;
  if (!offered_) {
    // A reply without the acceptance while streaming: the receiver was
    // replaced (a restart into vidgear, say). Its first packet fails there,
    // loudly; no more go.
    if (accepted || pattern_pub_sub_) return;
    state_ = State::refused;
    refusal_ = "netgear: the receiver at " + endpoint + " no longer decodes " + codec_ +
               " video (another receiver answered, like vidgear's); use jpeg_compression for it, or a netgear receiver";
    throw ModeError(refusal_);
  }
  if (accepted) {
    log_.info("sender: the receiver at {} decodes {}; video from the next frame", endpoint, codec_);
    state_ = State::streaming;
    keyframe_next_ = true;
    return;
  }
  state_ = State::refused;
  refusal_ = "netgear: the receiver at " + endpoint + " does not decode " + codec_ + " video: it answered the offer " +
             (answer ? "without accepting it (a netgear built without libavcodec)"
                     : "as vidgear does (vidgear receivers decode only still images)") +
             "; use jpeg_compression for it, or a netgear receiver";
  throw ModeError(refusal_);
}

}  // namespace netgear::detail
