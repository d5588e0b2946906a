// The video codec core (src/video_codec) on real libx264 / libavcodec: one
// packet per frame, keyframes when asked, pictures that match what was
// sent, and a decoder that refuses what it cannot decode cleanly.
#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "video_codec/codecs.hpp"
#include "video_codec/decoder.hpp"
#include "video_codec/encoder.hpp"

namespace netgear::video_codec {
namespace {

// A moving scene: a gradient with a box that slides, smooth enough for a codec.
cv::Mat scene(int w, int h, int index, int channels = 3) {
  cv::Mat m(h, w, CV_8UC3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      m.at<cv::Vec3b>(y, x) =
          cv::Vec3b(x * 255 / w, y * 255 / h, (x + y) * 127 / (w + h) + 64 + 40 * std::sin(index * 0.3));
  cv::rectangle(m, cv::Rect((index * 5) % (w / 2), h / 3, w / 4, h / 4), {30, 200, 90}, cv::FILLED);
  if (channels == 1) cv::cvtColor(m, m, cv::COLOR_BGR2GRAY);
  return m;
}

EncoderParams software(std::int64_t bitrate = 0) {
  EncoderParams p;
  p.encoders = {"libx264"};
  p.bitrate = bitrate;
  return p;
}

#define SKIP_WITHOUT_CODECS() \
  if (!available()) GTEST_SKIP() << "built without libavcodec (NETGEAR_VIDEO_CODEC=OFF)"

TEST(VideoCodec, OnePacketPerFrameAndTheFirstIsAKeyframe) {
  SKIP_WITHOUT_CODECS();
  VideoEncoder encoder(software());
  for (int i = 0; i < 10; ++i) {
    const auto& packets = encoder.encode(scene(320, 240, i), false, 100 + i);
    ASSERT_EQ(packets.size(), 1u) << "frame " << i;
    EXPECT_EQ(packets[0].frame, 100u + i);
    EXPECT_EQ(packets[0].keyframe, i == 0) << "frame " << i;
  }
  EXPECT_EQ(encoder.encoder_name(), "libx264");
}

TEST(VideoCodec, DecodesWhatWasSentCloselyInOrder) {
  SKIP_WITHOUT_CODECS();
  VideoEncoder encoder(software());
  VideoDecoder decoder("h264", -1);
  for (int i = 0; i < 20; ++i) {
    const cv::Mat sent = scene(320, 240, i);
    const auto packet = encoder.encode(sent, false, i).at(0);
    auto got = decoder.decode(packet.bytes, 320, 240, false);
    ASSERT_TRUE(got) << "frame " << i;
    ASSERT_EQ(got->size(), sent.size());
    ASSERT_EQ(got->type(), CV_8UC3);
    EXPECT_GT(cv::PSNR(*got, sent), 35.0) << "frame " << i;
  }
}

TEST(VideoCodec, ForcedKeyframesAndTheInterval) {
  SKIP_WITHOUT_CODECS();
  VideoEncoder encoder(software());
  std::vector<bool> keys;
  for (int i = 0; i < 12; ++i) keys.push_back(encoder.encode(scene(320, 240, i), i == 5 || i == 9, i).at(0).keyframe);
  EXPECT_EQ(keys, (std::vector<bool>{true, false, false, false, false, true, false, false, false, true, false, false}));
}

TEST(VideoCodec, ADecoderThatJoinsLateRefusesUntilAKeyframe) {
  SKIP_WITHOUT_CODECS();
  VideoEncoder encoder(software());
  std::vector<Packet> packets;
  for (int i = 0; i < 8; ++i) packets.push_back(encoder.encode(scene(320, 240, i), i == 6, i).at(0));
  VideoDecoder decoder("h264", -1);
  for (int i = 2; i < 6; ++i)  // P-frames without their keyframe
    EXPECT_THROW((void)decoder.decode(packets[i].bytes, 320, 240, false), codec::CodecError) << "frame " << i;
  auto got = decoder.decode(packets[6].bytes, 320, 240, false);
  ASSERT_TRUE(got);
  EXPECT_GT(cv::PSNR(*got, scene(320, 240, 6)), 35.0);
  EXPECT_TRUE(decoder.decode(packets[7].bytes, 320, 240, false));
}

TEST(VideoCodec, OddSizesAndGreyFramesComeBackAsSent) {
  SKIP_WITHOUT_CODECS();
  VideoEncoder encoder(software());
  VideoDecoder decoder("h264", -1);
  const cv::Mat odd = scene(161, 99, 0);
  auto got = decoder.decode(encoder.encode(odd, false, 0).at(0).bytes, 161, 99, false);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->size(), odd.size());
  EXPECT_GT(cv::PSNR(*got, odd), 33.0);
  // A new size or channel count reopens the encoder: its first packet is a
  // keyframe.
  const cv::Mat grey = scene(160, 100, 1, 1);
  const auto packet = encoder.encode(grey, false, 1).at(0);
  EXPECT_TRUE(packet.keyframe);
  got = decoder.decode(packet.bytes, 160, 100, true);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->type(), CV_8UC1);
  EXPECT_GT(cv::PSNR(*got, grey), 35.0);
}

TEST(VideoCodec, ABitrateTargetIsRoughlyKept) {
  SKIP_WITHOUT_CODECS();
  VideoEncoder encoder(software(500'000));
  std::size_t bytes = 0;
  for (int i = 0; i < 60; ++i) bytes += encoder.encode(scene(640, 360, i), false, i).at(0).bytes.size();
  const double bits_per_second = bytes * 8.0 / 2.0;  // 60 frames at 30 fps
  EXPECT_LT(bits_per_second,
            500'000 * 2.0);  // the VBV cap, with room for the first keyframe
}

TEST(VideoCodec, UnknownNamesAreClearErrors) {
  SKIP_WITHOUT_CODECS();
  EncoderParams p;
  p.codec = "h265x";
  try {
    VideoEncoder e(p);
    FAIL() << "accepted an unknown codec";
  } catch (const codec::CodecError& e) {
    EXPECT_NE(std::string(e.what()).find("h265x"), std::string::npos) << e.what();
  }
  p = software();
  p.encoders = {"no_such_encoder", "mjpeg"};
  VideoEncoder encoder(p);
  try {
    (void)encoder.encode(scene(64, 64, 0), false, 0);
    FAIL() << "opened an encoder from a list without one for h264";
  } catch (const codec::CodecError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("no_such_encoder: not in this FFmpeg"), std::string::npos) << what;
    EXPECT_NE(what.find("mjpeg: encodes mjpeg, not h264"), std::string::npos) << what;
  }
}

TEST(VideoCodec, TheFallbackListSkipsEncodersThatDoNotOpen) {
  SKIP_WITHOUT_CODECS();
  EncoderParams p;  // the default list: hardware first (absent here), then software
  VideoEncoder encoder(p);
  ASSERT_EQ(encoder.encode(scene(64, 64, 0), false, 0).size(), 1u);
  EXPECT_TRUE(encoder.encoder_name() == "libx264" || encoder.encoder_name() == "libopenh264") << encoder.encoder_name();
}

TEST(VideoCodec, OtherDepthsAndChannelCountsAreRefused) {
  SKIP_WITHOUT_CODECS();
  VideoEncoder encoder(software());
  EXPECT_THROW((void)encoder.encode(cv::Mat(64, 64, CV_16UC3, cv::Scalar::all(0)), false, 0), codec::CodecError);
  EXPECT_THROW((void)encoder.encode(cv::Mat(64, 64, CV_8UC4, cv::Scalar::all(0)), false, 0), codec::CodecError);
}

TEST(VideoCodec, TheDecoderRefusesGarbageLiesAndOversizedPictures) {
  SKIP_WITHOUT_CODECS();
  VideoEncoder encoder(software());
  const auto key = encoder.encode(scene(320, 240, 0), false, 0).at(0);
  {
    VideoDecoder decoder("h264", -1);
    std::vector<unsigned char> garbage(5000);
    for (std::size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<unsigned char>(i * 7919 >> 3);
    EXPECT_THROW((void)decoder.decode(garbage, 320, 240, false), codec::CodecError);
    EXPECT_THROW((void)decoder.decode({}, 320, 240, false), codec::CodecError);
    // A header that lies about the size.
    EXPECT_THROW((void)decoder.decode(key.bytes, 640, 480, false), codec::CodecError);
  }
  {
    VideoDecoder decoder("h264",
                         320 * 240 * 3 - 1);  // one byte under the picture
    EXPECT_THROW((void)decoder.decode(key.bytes, 320, 240, false), codec::CodecError);
    // ... and a header that declares a small picture for the same data.
    EXPECT_THROW((void)decoder.decode(key.bytes, 16, 16, false), codec::CodecError);
  }
  {
    VideoDecoder decoder("h264", 320 * 240 * 3);
    EXPECT_TRUE(decoder.decode(key.bytes, 320, 240, false));
  }
}

}  // namespace
}  // namespace netgear::video_codec

#include "receiver/video_streams.hpp"

namespace netgear::detail {
namespace {

video_codec::EncoderParams x264() {
  video_codec::EncoderParams p;
  p.encoders = {"libx264"};
  return p;
}

TEST(VideoStreams, AtMostMaxStreamsDecodersAreKept) {
  if (!video_codec::available()) GTEST_SKIP() << "built without libavcodec";
  video_codec::VideoEncoder encoder(x264());
  const auto key = encoder.encode(cv::Mat(64, 64, CV_8UC3, cv::Scalar(10, 120, 200)), true, 0).at(0);
  zmq::message_t payload(key.bytes.data(), key.bytes.size());
  wire::FrameHeader h;
  h.compression.kind = wire::Compression::Kind::video;
  h.compression.codec = "h264";
  h.compression.keyframe = true;
  h.compression.width = h.compression.height = 64;
  VideoStreams streams(-1);
  for (std::size_t i = 0; i < VideoStreams::max_streams; ++i)
    EXPECT_TRUE(std::holds_alternative<Frame>(streams.take(h, payload, "sender " + std::to_string(i)))) << i;
  const auto refused = streams.take(h, payload, "one too many");
  ASSERT_TRUE(std::holds_alternative<std::string>(refused));
  EXPECT_NE(std::get<std::string>(refused).find("32 others"), std::string::npos) << std::get<std::string>(refused);
  streams.forget("sender 0");  // its sender ended: room for another
  EXPECT_TRUE(std::holds_alternative<Frame>(streams.take(h, payload, "one too many")));
}

}  // namespace
}  // namespace netgear::detail
