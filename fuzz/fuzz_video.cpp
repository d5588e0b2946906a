// Fuzz target: video packets, decoded as a receiver decodes them
// (video_codec::VideoDecoder, H.264). The first byte picks the declared
// picture (bits 0-2: one of kSizes; bit 3: grey) and how the rest is fed:
// bit 4 = 0 one packet; 1 two packets, split in the middle, to one decoder
// (a keyframe then what follows). Only FrameError (CodecError) may escape; a
// picture must have the declared size and channels, fit the limit, and every
// byte of it is read (ASan sees any overread).
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include <opencv2/core.hpp>

#include "fuzz_check.hpp"
#include "netgear/options.hpp"
#include "video_codec/codecs.hpp"
#include "video_codec/decoder.hpp"

namespace netgear::fuzz {
namespace {

const std::int64_t kMaxDecodedBytes = Options{}.max_decoded_size;

struct Size {
  int width, height;
};
// What a header may declare: the seeds' own sizes, odd ones, and one over the limit.
constexpr std::array<Size, 8> kSizes = {{{64, 64}, {320, 240}, {63, 63}, {1, 1}, {16, 16}, {1280, 720}, {321, 241},
                                         {7681, 4320}}};

void decode(std::uint8_t pick, std::span<const std::uint8_t> bytes) {
  const Size size = kSizes[pick & 0x07];
  const bool gray = (pick & 0x08) != 0;
  video_codec::VideoDecoder decoder("h264", kMaxDecodedBytes);
  const bool split = (pick & 0x10) != 0 && bytes.size() >= 2;
  const std::size_t half = split ? bytes.size() / 2 : bytes.size();
  for (const auto part : {bytes.subspan(0, half), bytes.subspan(half)}) {
    if (part.empty()) continue;
    std::optional<cv::Mat> picture;
    try {
      picture = decoder.decode(part, size.width, size.height, gray);
    } catch (const FrameError&) {
      continue;  // as a receiver: this packet is bad, the next may decode
    }
    if (!picture) continue;
    require(picture->cols == size.width && picture->rows == size.height, "a picture not of the declared size");
    require(picture->channels() == (gray ? 1 : 3) && picture->depth() == CV_8U, "a picture of the wrong format");
    require(picture->total() * picture->elemSize() <= static_cast<std::size_t>(kMaxDecodedBytes),
            "a picture larger than max_decoded_bytes");
    touch(*picture);
  }
}

}  // namespace
}  // namespace netgear::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0 || !netgear::video_codec::available()) return 0;
  try {
    netgear::fuzz::decode(data[0], std::span<const std::uint8_t>(data + 1, size - 1));
  } catch (const netgear::FrameError&) {
  } catch (...) {
    netgear::fuzz::undocumented_exception();
  }
  return 0;
}
