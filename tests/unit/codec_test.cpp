// Frame compression without sockets: TurboJPEG (vidgear >= 0.2) and the
// OpenCV image codecs (vidgear 0.1.x compression_format).
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <thread>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "codec/image.hpp"
#include "codec/jpeg.hpp"
#include "frame_codec.hpp"

namespace netgear::codec {
namespace {

// A smooth image (gradients and slow waves), what a camera sees more than
// noise does, so JPEG at q90 should come back close.
cv::Mat smooth_image(int rows, int cols, int channels, int depth = CV_8U) {
  cv::Mat image(rows, cols, CV_MAKETYPE(depth, channels));
  const double top = depth == CV_16U ? 65535.0 : 255.0;
  for (int y = 0; y < rows; ++y)
    for (int x = 0; x < cols; ++x)
      for (int c = 0; c < channels; ++c) {
        const double v = 0.5 + 0.25 * std::sin(x / 37.0 + c) + 0.25 * std::cos(y / 23.0 - 2 * c);
        if (depth == CV_16U)
          image.ptr<ushort>(y)[x * channels + c] = cv::saturate_cast<ushort>(v * top);
        else
          image.ptr<uchar>(y)[x * channels + c] = cv::saturate_cast<uchar>(v * top);
      }
  return image;
}

std::vector<unsigned char> jpeg_of(const cv::Mat& image, const std::string& colorspace, int quality = 90) {
  std::vector<unsigned char> out;
  JpegParams params;
  params.colorspace = colorspace;
  params.quality = quality;
  encode_jpeg(image, params, out);
  return out;
}

// The message of the CodecError `action` throws; fails the test if it throws nothing.
template <typename Action>
std::string codec_error(Action action) {
  try {
    action();
  } catch (const CodecError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no CodecError";
  return {};
}

// ---- TurboJPEG -----------------------------------------------------------------

TEST(JpegCodec, RoundTripsGrayAsSingleChannel) {
  const auto image = smooth_image(48, 64, 1);
  const auto jpeg = jpeg_of(image, "GRAY");
  ASSERT_GE(jpeg.size(), 4u);
  EXPECT_EQ(jpeg[0], 0xFF);
  EXPECT_EQ(jpeg[1], 0xD8);  // SOI
  const cv::Mat back = decode_jpeg(jpeg, "GRAY", true, false);
  EXPECT_EQ(back.type(), CV_8UC1);
  EXPECT_EQ(back.dims, 2);
  EXPECT_EQ(back.size(), image.size());
  EXPECT_GT(cv::PSNR(image, back), 35.0);
}

TEST(JpegCodec, RoundTripsBgrAndRgb) {
  for (const char* colorspace : {"BGR", "RGB", "bgr"}) {
    const auto image = smooth_image(40, 72, 3);
    const cv::Mat back = decode_jpeg(jpeg_of(image, colorspace), colorspace, true, false);
    EXPECT_EQ(back.type(), CV_8UC3) << colorspace;
    EXPECT_GT(cv::PSNR(image, back), 30.0) << colorspace;
  }
}

TEST(JpegCodec, DecodingAsRgbSwapsTheChannelsOfABgrImage) {
  const cv::Mat blue(32, 32, CV_8UC3, cv::Scalar(255, 0, 0));  // BGR order
  const auto jpeg = jpeg_of(blue, "BGR");
  const cv::Mat rgb = decode_jpeg(jpeg, "RGB", true, false);
  const cv::Vec3b pixel = rgb.at<cv::Vec3b>(16, 16);
  EXPECT_LE(pixel[0], 4);    // red
  EXPECT_LE(pixel[1], 4);    // green
  EXPECT_GE(pixel[2], 250);  // blue, now last
  EXPECT_GE(decode_jpeg(jpeg, "BGR", true, false).at<cv::Vec3b>(16, 16)[0], 250);
}

TEST(JpegCodec, RoundTripsFourByteLayoutsWithOpaqueAlpha) {
  cv::Mat bgra = smooth_image(40, 56, 4);
  const cv::Mat back = decode_jpeg(jpeg_of(bgra, "BGRA"), "BGRA", false, true);
  ASSERT_EQ(back.type(), CV_8UC4);
  cv::Mat colour_in, colour_out, alpha;
  cv::extractChannel(back, alpha, 3);
  EXPECT_EQ(cv::countNonZero(alpha != 255), 0);  // JPEG has no alpha: decoded opaque
  cv::mixChannels(bgra, colour_in = cv::Mat(bgra.size(), CV_8UC3), std::vector<int>{0, 0, 1, 1, 2, 2});
  cv::mixChannels(back, colour_out = cv::Mat(back.size(), CV_8UC3), std::vector<int>{0, 0, 1, 1, 2, 2});
  EXPECT_GT(cv::PSNR(colour_in, colour_out), 30.0);
}

TEST(JpegCodec, RoundTripsCmyk) {
  const auto image = smooth_image(32, 48, 4);
  const cv::Mat back = decode_jpeg(jpeg_of(image, "CMYK"), "CMYK", true, false);
  ASSERT_EQ(back.type(), CV_8UC4);
  EXPECT_GT(cv::PSNR(image, back), 30.0);
}

TEST(JpegCodec, HigherQualityMeansMoreBytes) {
  const auto image = smooth_image(120, 160, 3);
  const auto low = jpeg_of(image, "BGR", 30).size();
  const auto mid = jpeg_of(image, "BGR", 90).size();
  const auto high = jpeg_of(image, "BGR", 100).size();
  EXPECT_LT(low, mid);
  EXPECT_LT(mid, high);
}

TEST(JpegCodec, EncodesARegionOfInterestLikeItsCopy) {
  const auto big = smooth_image(120, 200, 3);
  const cv::Mat roi = big(cv::Rect(13, 7, 101, 61));
  ASSERT_FALSE(roi.isContinuous());
  EXPECT_EQ(jpeg_of(roi, "BGR"), jpeg_of(roi.clone(), "BGR"));  // the pitch is honoured
  EXPECT_GT(cv::PSNR(roi, decode_jpeg(jpeg_of(roi, "BGR"), "BGR", true, false)), 30.0);
}

TEST(JpegCodec, A720pFrameAtQuality90KeepsItsDetail) {
  const auto frame = smooth_image(720, 1280, 3);
  const auto jpeg = jpeg_of(frame, "BGR");
  EXPECT_LT(jpeg.size(), frame.total() * frame.elemSize() / 4);
  const cv::Mat back = decode_jpeg(jpeg, "BGR", true, false);
  ASSERT_EQ(back.size(), frame.size());
  EXPECT_GT(cv::PSNR(frame, back), 30.0);
}

TEST(JpegCodec, RefusesWrongDepthNamingIt) {
  const auto message = codec_error([] { jpeg_of(smooth_image(8, 8, 3, CV_16U), "BGR"); });
  EXPECT_NE(message.find("CV_16U"), std::string::npos) << message;
  EXPECT_NE(message.find("CV_8U"), std::string::npos) << message;
}

TEST(JpegCodec, RefusesAChannelCountThatDoesNotMatchTheColorspace) {
  auto message = codec_error([] { jpeg_of(smooth_image(8, 8, 1), "BGR"); });
  EXPECT_NE(message.find("BGR"), std::string::npos) << message;
  EXPECT_NE(message.find("3 channel"), std::string::npos) << message;
  EXPECT_NE(message.find("with 1 channel"), std::string::npos) << message;
  message = codec_error([] { jpeg_of(smooth_image(8, 8, 3), "RGBA"); });
  EXPECT_NE(message.find("RGBA"), std::string::npos) << message;
  message = codec_error([] { jpeg_of(smooth_image(8, 8, 3), "GRAY"); });
  EXPECT_NE(message.find("GRAY"), std::string::npos) << message;
}

TEST(JpegCodec, RefusesBadColorspaceQualityAndEmptyInput) {
  const auto message = codec_error([] { jpeg_of(smooth_image(8, 8, 3), "YUV"); });
  EXPECT_NE(message.find("'YUV'"), std::string::npos) << message;
  EXPECT_NE(message.find("BGRX"), std::string::npos) << message;  // lists what is accepted
  EXPECT_THROW(decode_jpeg(jpeg_of(smooth_image(8, 8, 3), "BGR"), "YUV", true, false), CodecError);
  EXPECT_THROW(jpeg_of(smooth_image(8, 8, 3), "BGR", 0), CodecError);
  EXPECT_THROW(jpeg_of(smooth_image(8, 8, 3), "BGR", 101), CodecError);
  EXPECT_THROW(jpeg_of(cv::Mat(), "BGR"), CodecError);
  EXPECT_THROW(decode_jpeg({}, "BGR", true, false), CodecError);
  EXPECT_EQ(colorspace_channels("xrgb"), 4);
  EXPECT_EQ(colorspace_channels("GRAY"), 1);
}

TEST(JpegCodec, CodecErrorIsAFrameError) {
  EXPECT_THROW(jpeg_of(cv::Mat(), "BGR"), FrameError);
}

TEST(JpegCodec, RandomBytesAreAnError) {
  std::mt19937 rng(7);
  std::vector<unsigned char> junk(4096);
  for (auto& b : junk) b = static_cast<unsigned char>(rng());
  EXPECT_THROW(decode_jpeg(junk, "BGR", true, false), CodecError);
  junk[0] = 0xFF;  // a JPEG's first marker, then junk
  junk[1] = 0xD8;
  EXPECT_THROW(decode_jpeg(junk, "BGR", true, false), CodecError);
}

TEST(JpegCodec, ATruncatedJpegIsAnErrorNotAGreyFrame) {
  // Cut inside the entropy-coded data, where TurboJPEG only warns ("Premature
  // end of JPEG file") and would otherwise fill the rest with grey.
  const auto jpeg = jpeg_of(smooth_image(240, 320, 3), "BGR");
  const std::span<const unsigned char> half(jpeg.data(), jpeg.size() / 2);
  const auto message = codec_error([&] { decode_jpeg(half, "BGR", true, false); });
  EXPECT_NE(message.find("Premature end"), std::string::npos) << message;
}

TEST(JpegCodec, FlippedEntropyCodedBytesAreAnError) {
  auto jpeg = jpeg_of(smooth_image(96, 128, 3), "BGR");
  // Entropy-coded data starts after the SOS segment and runs to the EOI marker.
  std::size_t sos = 0;
  for (std::size_t i = 2; i + 3 < jpeg.size(); ++i)
    if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xDA) {
      sos = i;
      break;
    }
  ASSERT_GT(sos, 0u);
  const std::size_t data = sos + 2 + (std::size_t{jpeg[sos + 2]} << 8 | jpeg[sos + 3]);
  const std::size_t middle = data + (jpeg.size() - 2 - data) / 2;
  for (std::size_t i = middle; i < middle + 16; ++i) jpeg[i] ^= 0xA5;
  const auto message = codec_error([&] { decode_jpeg(jpeg, "BGR", true, false); });
  EXPECT_NE(message.find("corrupt data"), std::string::npos) << message;  // a warning, made an error
}

// TurboJPEG 2.1 leaves a handle unusable after a failed header read; the codec
// must not let one bad frame spoil the next good one.
TEST(JpegCodec, TheDecoderWorksAgainAfterEachKindOfError) {
  const auto small = smooth_image(64, 64, 3);
  const auto big = smooth_image(240, 320, 3);
  const auto small_jpeg = jpeg_of(small, "BGR");
  const auto big_jpeg = jpeg_of(big, "BGR");
  std::vector<unsigned char> junk_after_soi(512, 0x52);
  junk_after_soi[0] = 0xFF;
  junk_after_soi[1] = 0xD8;
  const std::vector<std::span<const unsigned char>> bad{
      {small_jpeg.data(), small_jpeg.size() / 2},  // cut inside the header
      {big_jpeg.data(), big_jpeg.size() / 2},      // cut inside the entropy-coded data
      junk_after_soi,
  };
  for (std::size_t i = 0; i < bad.size(); ++i) {
    EXPECT_THROW(decode_jpeg(bad[i], "BGR", true, false), CodecError) << i;
    EXPECT_GT(cv::PSNR(small, decode_jpeg(small_jpeg, "BGR", true, false)), 30.0) << i;
  }
}

TEST(JpegCodec, ReusesItsHandlesAndTheOutputBuffer) {
  const auto image = smooth_image(120, 160, 3);
  std::vector<unsigned char> out;
  encode_jpeg(image, {}, out);
  const auto first = out;
  const unsigned char* storage = out.data();
  for (int i = 0; i < 100; ++i) {
    encode_jpeg(image, {}, out);
    ASSERT_EQ(out, first);
    ASSERT_EQ(out.data(), storage);  // same size each time: no reallocation
    ASSERT_EQ(decode_jpeg(out, "BGR", true, false).size(), image.size());
  }
}

TEST(JpegCodec, ThreadsEncodeConcurrentlyWithTheirOwnHandles) {
  const auto image = smooth_image(90, 120, 3);
  const auto expected = jpeg_of(image, "BGR");
  std::vector<std::vector<unsigned char>> results(4);
  std::vector<std::thread> threads;
  for (auto& result : results)
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        encode_jpeg(image, {}, result);
        (void)decode_jpeg(result, "BGR", true, false);
      }
    });
  for (auto& t : threads) t.join();
  for (const auto& result : results) EXPECT_EQ(result, expected);
}

// ---- OpenCV image codecs -------------------------------------------------------

TEST(ImageCodec, PngRoundTripsLosslessIn8And16Bits) {
  for (int depth : {CV_8U, CV_16U})
    for (int channels : {1, 3, 4}) {
      const auto image = smooth_image(30, 41, channels, depth);
      std::vector<unsigned char> png;
      encode_image(image, ".png", {}, png);
      const cv::Mat back = decode_image(png, cv::IMREAD_UNCHANGED);
      ASSERT_EQ(back.type(), image.type()) << depth << " " << channels;
      EXPECT_EQ(cv::norm(image, back, cv::NORM_INF), 0.0) << depth << " " << channels;
    }
}

TEST(ImageCodec, BmpRoundTripsLossless) {
  const auto image = smooth_image(30, 41, 3);
  std::vector<unsigned char> bmp;
  encode_image(image, ".BMP", {}, bmp);
  EXPECT_EQ(bmp[0], 'B');
  const cv::Mat back = decode_image(bmp, cv::IMREAD_COLOR);
  EXPECT_EQ(cv::norm(image, back, cv::NORM_INF), 0.0);
}

TEST(ImageCodec, JpegWithParamsAndTheGrayscaleDefaultFlag) {
  const auto image = smooth_image(64, 80, 3);
  std::vector<unsigned char> low, high;
  encode_image(image, ".jpg", {cv::IMWRITE_JPEG_QUALITY, 20}, low);
  encode_image(image, ".jpeg", {cv::IMWRITE_JPEG_QUALITY, 95}, high);
  EXPECT_LT(low.size(), high.size());
  EXPECT_GT(cv::PSNR(image, decode_image(high, cv::IMREAD_COLOR)), 30.0);
  // vidgear 0.1.x's receiver passes no flag, i.e. 0: frames come back grey.
  EXPECT_EQ(decode_image(high, cv::IMREAD_GRAYSCALE).type(), CV_8UC1);
}

TEST(ImageCodec, RefusesDepthsAndChannelsTheFormatCannotHold) {
  std::vector<unsigned char> out;
  auto message = codec_error([&] { encode_image(smooth_image(8, 8, 3, CV_32F), ".png", {}, out); });
  EXPECT_NE(message.find("CV_32F"), std::string::npos) << message;
  message = codec_error([&] { encode_image(smooth_image(8, 8, 3, CV_16U), ".jpg", {}, out); });
  EXPECT_NE(message.find("CV_16U"), std::string::npos) << message;
  EXPECT_THROW(encode_image(smooth_image(8, 8, 3, CV_16U), ".bmp", {}, out), CodecError);
  message = codec_error([&] { encode_image(smooth_image(8, 8, 2), ".png", {}, out); });
  EXPECT_NE(message.find("2 channels"), std::string::npos) << message;
  message = codec_error([&] { encode_image(smooth_image(8, 8, 3), ".gif", {}, out); });
  EXPECT_NE(message.find(".gif"), std::string::npos) << message;
  EXPECT_THROW(encode_image(cv::Mat(), ".png", {}, out), CodecError);
}

TEST(ImageCodec, UndecodableBytesAreAnError) {
  std::mt19937 rng(11);
  std::vector<unsigned char> junk(2048);
  for (auto& b : junk) b = static_cast<unsigned char>(rng());
  const auto message = codec_error([&] { decode_image(junk, cv::IMREAD_COLOR); });
  EXPECT_NE(message.find("not a decodable image"), std::string::npos) << message;
  EXPECT_THROW(decode_image({}, cv::IMREAD_COLOR), CodecError);
}

// ---- Declared sizes: a few bytes from a peer must not make the decoder allocate gigabytes ----

// `bytes` with the big-endian 16-bit values `first`, `second` written at `offset`.
std::vector<unsigned char> declaring16(std::vector<unsigned char> bytes, std::size_t offset, int first, int second) {
  for (const int value : {first, second}) {
    bytes.at(offset++) = static_cast<unsigned char>(value >> 8);
    bytes.at(offset++) = static_cast<unsigned char>(value);
  }
  return bytes;
}

// The JPEG's SOF0 segment: height and width (big-endian) follow it at +5 and +7.
std::size_t sof_of(const std::vector<unsigned char>& jpeg) {
  for (std::size_t i = 0; i + 1 < jpeg.size(); ++i)
    if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0) return i;
  ADD_FAILURE() << "no SOF0";
  return 0;
}

TEST(JpegCodec, RefusesAHeaderDeclaringMoreThanTheLimitBeforeAllocating) {
  const auto jpeg = jpeg_of(smooth_image(16, 24, 3), "BGR");
  EXPECT_EQ(decode_jpeg(jpeg, "BGR", true, false, 16 * 24 * 3).total(), 16u * 24u);  // exactly the limit
  auto message = codec_error([&] { decode_jpeg(jpeg, "BGR", true, false, 16 * 24 * 3 - 1); });
  EXPECT_NE(message.find("24 x 16 pixels of 3 byte(s)"), std::string::npos) << message;
  EXPECT_NE(message.find("limit of 1151 bytes"), std::string::npos) << message;
  // What fuzzing found: 1 KB whose header says 65000 x 65000, i.e. 16.9 GB as RGBA.
  const auto huge = declaring16(jpeg, sof_of(jpeg) + 5, 65000, 65000);
  message = codec_error([&] { decode_jpeg(huge, "RGBA", true, false, std::int64_t{1} << 30); });
  EXPECT_NE(message.find("65000 x 65000 pixels of 4 byte(s)"), std::string::npos) << message;
  EXPECT_EQ(read_jpeg_header(huge).width, 65000);
  EXPECT_EQ(read_jpeg_header(huge).components, 3);
}

TEST(ImageCodec, RefusesImagesDeclaringMoreThanTheLimitBeforeAllocating) {
  constexpr std::int64_t limit = std::int64_t{1} << 30;
  // fuzz/corpus/fuzz_decode/oom_bmp_13569x65792 (less its first byte): 52 bytes
  // that made imdecode allocate 2.7 GB.
  const std::vector<unsigned char> bmp = {
      0x42, 0x4d, 0x4e, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x28, 0x00, 0x00, 0x00,
      0x01, 0x35, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x01, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0xa1, 0x30,
      0x62, 0x94, 0xc6, 0x55, 0x87, 0xb9, 0xeb, 0x00, 0x25, 0x96, 0x57, 0x89, 0x7c, 0x00, 0xae, 0xe0};
  auto message = codec_error([&] { decode_image(bmp, cv::IMREAD_UNCHANGED, limit); });
  EXPECT_NE(message.find("BMP decode refused: the header declares 13569 x 65792 pixels"), std::string::npos)
      << message;
  // PNG (IHDR: width and height at 16 and 20) and JPEG through OpenCV, 30000 x 30000.
  std::vector<unsigned char> png, jpg;
  encode_image(smooth_image(7, 5, 3), ".png", {}, png);
  png = declaring16(declaring16(png, 16, 0, 30000), 20, 0, 30000);
  message = codec_error([&] { decode_image(png, cv::IMREAD_COLOR, limit); });
  EXPECT_NE(message.find("PNG decode refused: the header declares 30000 x 30000 pixels of 3 byte(s)"),
            std::string::npos)
      << message;
  encode_image(smooth_image(16, 16, 3), ".jpg", {}, jpg);
  jpg = declaring16(jpg, sof_of(jpg) + 5, 30000, 30000);
  message = codec_error([&] { decode_image(jpg, cv::IMREAD_COLOR, limit); });
  EXPECT_NE(message.find("JPEG decode refused: the header declares 30000 x 30000 pixels of 3 byte(s)"),
            std::string::npos)
      << message;
}

TEST(ImageCodec, CountsTheChannelsAndDepthTheFlagAsksFor) {
  std::vector<unsigned char> png;
  encode_image(smooth_image(30, 41, 4, CV_16U), ".png", {}, png);
  const std::int64_t pixels = 30 * 41;
  EXPECT_EQ(decode_image(png, cv::IMREAD_UNCHANGED, pixels * 8).type(), CV_16UC4);
  EXPECT_THROW(decode_image(png, cv::IMREAD_UNCHANGED, pixels * 8 - 1), CodecError);
  EXPECT_EQ(decode_image(png, cv::IMREAD_GRAYSCALE, pixels).type(), CV_8UC1);
  EXPECT_THROW(decode_image(png, cv::IMREAD_COLOR, pixels * 3 - 1), CodecError);
  EXPECT_EQ(decode_image(png, cv::IMREAD_ANYDEPTH | cv::IMREAD_ANYCOLOR, pixels * 6).type(), CV_16UC3);
  EXPECT_EQ(decode_image(png, cv::IMREAD_COLOR, -1).type(), CV_8UC3);  // -1: no limit
}

TEST(ImageCodec, DecodesOnlyJpegPngAndBmp) {
  // imdecode reads many more formats (here PPM), whose sizes are not checked.
  const std::string ppm = "P6\n2 1\n255\n\x01\x02\x03\x04\x05\x06";
  const std::vector<unsigned char> bytes(ppm.begin(), ppm.end());
  const auto message = codec_error([&] { decode_image(bytes, cv::IMREAD_UNCHANGED); });
  EXPECT_NE(message.find("not a decodable image: neither JPEG, PNG nor BMP"), std::string::npos) << message;
}

TEST(FrameCodec, CompressedFramesAreBoundByMaxDecodedSize) {
  Options options;
  // The default: 8K with 3 channels, whatever max_message_size says.
  EXPECT_EQ(detail::decoding_for(options).max_decoded_bytes, std::int64_t{7680} * 4320 * 3);
  options.max_message_size = 10;
  EXPECT_EQ(detail::decoding_for(options).max_decoded_bytes, std::int64_t{7680} * 4320 * 3);
  options.max_decoded_size = 16 * 24 * 3 - 1;
  const detail::Decoding decoding = detail::decoding_for(options);
  EXPECT_EQ(decoding.max_decoded_bytes, 16 * 24 * 3 - 1);
  const auto jpeg = jpeg_of(smooth_image(16, 24, 3), "BGR");
  detail::PayloadInfo info;
  info.compression.kind = wire::Compression::Kind::jpeg;
  EXPECT_THROW(detail::decode_payload(info, zmq::message_t(jpeg.data(), jpeg.size()), decoding), CodecError);
  std::vector<unsigned char> png;
  encode_image(smooth_image(16, 24, 3), ".png", {}, png);
  info.compression.kind = wire::Compression::Kind::extension;
  info.compression.extension = ".png";
  EXPECT_THROW(detail::decode_payload(info, zmq::message_t(png.data(), png.size()), decoding), CodecError);
  options.max_decoded_size = -1;
  EXPECT_EQ(detail::decode_payload(info, zmq::message_t(png.data(), png.size()), detail::decoding_for(options))
                .mat()
                .total(),
            16u * 24u);
}

// A 6000x6000 PNG of one colour is ~100 KB and decodes to 108 MB: over the
// default bound, refused before its pixels are allocated; one just under 8K
// passes the check.
TEST(FrameCodec, TheDefaultRefusesADecompressionBomb) {
  const detail::Decoding decoding = detail::decoding_for(Options{});
  std::vector<unsigned char> png;
  encode_image(cv::Mat(6000, 6000, CV_8UC3, cv::Scalar(0, 0, 0)), ".png", {}, png);
  EXPECT_LT(png.size(), 1'000'000u);
  detail::PayloadInfo info;
  info.compression.kind = wire::Compression::Kind::extension;
  info.compression.extension = ".png";
  const auto message = codec_error([&] { detail::decode_payload(info, zmq::message_t(png.data(), png.size()), decoding); });
  EXPECT_NE(message.find("max_decoded_size"), std::string::npos) << message;
}

}  // namespace
}  // namespace netgear::codec
