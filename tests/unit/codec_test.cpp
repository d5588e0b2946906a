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

}  // namespace
}  // namespace netgear::codec
