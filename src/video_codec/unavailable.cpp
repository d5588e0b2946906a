// The video codecs of a build without FFmpeg's libavcodec
// (NETGEAR_VIDEO_CODEC=OFF, or not found): every use says so.
#include "video_codec/codecs.hpp"
#include "video_codec/decoder.hpp"
#include "video_codec/encoder.hpp"

namespace netgear::video_codec {
namespace {

[[noreturn]] void unavailable() {
  throw codec::CodecError(
      "netgear: this build has no video codecs (built "
      "without FFmpeg's libavcodec)");
}

}  // namespace

bool available() noexcept { return false; }

struct VideoEncoder::State {};
VideoEncoder::VideoEncoder(EncoderParams) { unavailable(); }
VideoEncoder::~VideoEncoder() = default;
const std::vector<Packet>& VideoEncoder::encode(const cv::Mat&, bool, std::uint64_t) { unavailable(); }
const std::string& VideoEncoder::encoder_name() const { unavailable(); }
const std::string& VideoEncoder::not_opened() const { unavailable(); }

struct VideoDecoder::State {};
VideoDecoder::VideoDecoder(std::string_view, std::int64_t) { unavailable(); }
VideoDecoder::~VideoDecoder() = default;
std::optional<cv::Mat> VideoDecoder::decode(std::span<const unsigned char>, int, int, bool) { unavailable(); }
void VideoDecoder::reset() { unavailable(); }

}  // namespace netgear::video_codec
