// Fuzz target: compressed payloads, decoded as a receiver decodes them
// (detail::decode_payload). The first byte picks the path, the rest is the
// payload:
//   bit 0 = 0  TurboJPEG (vidgear >= 0.2.1): bits 1-4 the header's colorspace,
//              bit 5 its "dct", bit 6 its "ups", bit 7 the receiver's fastupsample
//   bit 0 = 1  OpenCV (vidgear 0.1.x): bits 1-2 the extension, bits 3-6 the imdecode flag
// Only WireError and FrameError (CodecError) may escape; a decoded frame must
// be non-empty, fit the receiver's size limit, have the colorspace's channels,
// and every byte of it is read (ASan sees any overread).
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include <opencv2/core.hpp>

#include "codec/jpeg.hpp"
#include "frame_codec.hpp"
#include "fuzz_check.hpp"

namespace netgear::fuzz {
namespace {

// The receiver's limit on a decoded frame: the default of max_decoded_size
// (8K, 3 channels), so the seeds that declare just more or less than it
// check the limit a receiver really applies.
const std::int64_t kMaxDecodedBytes = Options{}.max_decoded_size;

// simplejpeg's names (TurboJPEG takes them in any case), and some it does not know.
constexpr std::array<std::string_view, 16> kColorspaces = {"BGR",  "RGB",  "GRAY", "RGBA", "BGRA", "ARGB",
                                                           "ABGR", "RGBX", "BGRX", "XRGB", "XBGR", "CMYK",
                                                           "gray", "bgr",  "YUV",  ""};
constexpr std::array<std::string_view, 4> kExtensions = {".jpg", ".jpeg", ".png", ".bmp"};
// cv::IMREAD_* flags a receiver may set (compression_param); not IMREAD_LOAD_GDAL.
constexpr std::array<int, 16> kFlags = {-1, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 32, 33, 64, 65, 129};

void decode(std::uint8_t pick, std::span<const std::uint8_t> bytes) {
  detail::PayloadInfo info;
  detail::Decoding decoding;
  decoding.fastdct = false;  // the header's dct decides
  decoding.max_decoded_bytes = kMaxDecodedBytes;
  auto& c = info.compression;
  if (pick % 2 == 0) {
    c.kind = wire::Compression::Kind::jpeg;
    c.colorspace = kColorspaces[(pick >> 1) & 0x0F];
    c.dct = (pick & 0x20) != 0;
    c.ups = (pick & 0x40) != 0;
    decoding.fastupsample = (pick & 0x80) != 0;
  } else {
    c.kind = wire::Compression::Kind::extension;
    c.extension = kExtensions[(pick >> 1) & 0x03];
    decoding.image_flag = kFlags[(pick >> 3) & 0x0F];
  }
  info.dtype = "uint8";
  info.shape = wire::Shape{bytes.size()};
  const Frame frame = detail::decode_payload(info, zmq::message_t(bytes.data(), bytes.size()), decoding);
  const cv::Mat& mat = frame.mat();
  require(!frame.empty(), "a compressed frame decoded to nothing");
  require(mat.dims == 2, "a decoded image is not 2-D");
  require(mat.total() * mat.elemSize() <= static_cast<std::size_t>(kMaxDecodedBytes),
          "a decoded frame is larger than max_decoded_bytes");
  if (c.kind == wire::Compression::Kind::jpeg)
    require(mat.channels() == codec::colorspace_channels(c.colorspace) && mat.depth() == CV_8U,
            "a JPEG frame does not have its colorspace's channels");
  touch(mat);
}

}  // namespace
}  // namespace netgear::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool single_threaded = (cv::setNumThreads(0), true);  // OpenCV's own threads only add noise
  (void)single_threaded;
  if (size == 0) return 0;
  try {
    netgear::fuzz::decode(data[0], std::span<const std::uint8_t>(data + 1, size - 1));
  } catch (const netgear::wire::WireError&) {
  } catch (const netgear::FrameError&) {
  } catch (...) {
    netgear::fuzz::undocumented_exception();
  }
  return 0;
}
