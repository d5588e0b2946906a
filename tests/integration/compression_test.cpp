// Frame compression end to end: JPEG (TurboJPEG, vidgear >= 0.2 header) and
// OpenCV's .jpg/.png/.bmp (vidgear 0.1.x header), and what the wire carries.
#include <gtest/gtest.h>

#include <thread>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <zmq.hpp>

#include "integration/stream_support.hpp"
#include "netgear/error.hpp"

namespace netgear::test {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

// A smooth test card: gradients and shapes, what a camera sees more than noise.
cv::Mat card(int rows, int cols, int type) {
  cv::Mat bgr(rows, cols, CV_8UC3);
  for (int y = 0; y < rows; ++y)
    for (int x = 0; x < cols; ++x)
      bgr.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<uchar>(x * 255 / cols), static_cast<uchar>(y * 255 / rows), 128);
  cv::circle(bgr, {cols / 2, rows / 2}, rows / 4, {20, 200, 60}, -1);
  cv::Mat out;
  if (CV_MAT_CN(type) == 1) cv::cvtColor(bgr, out, cv::COLOR_BGR2GRAY);
  else if (CV_MAT_CN(type) == 4) cv::cvtColor(bgr, out, cv::COLOR_BGR2BGRA);
  else out = bgr;
  if (CV_MAT_DEPTH(type) == CV_16U) out.convertTo(out, CV_16U, 257);
  return out;
}

Options jpeg(const std::string& colorspace = "BGR") {
  Options o;
  o.jpeg_compression = true;
  o.jpeg_compression_colorspace = colorspace;
  return o;
}

Options image(const std::string& extension) {
  Options o;
  o.compression_format = extension;
  return o;
}

class Jpeg : public ::testing::TestWithParam<Pattern> {};

TEST_P(Jpeg, FramesArriveDecodedAndClose) {
  Link link(Protocol::tcp, GetParam(), {}, jpeg());
  const cv::Mat sent = card(360, 640, CV_8UC3);
  send_reliably(link.sender, Frame(sent), "jpeg");
  auto got = link.receiver.recv_for(10s);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->frame.shape(), (std::vector<std::size_t>{360, 640, 3}));
  EXPECT_GT(cv::PSNR(got->frame.mat(), sent), 30.0);
  EXPECT_EQ(got->message, "jpeg");
}

INSTANTIATE_TEST_SUITE_P(Patterns, Jpeg, ::testing::Values(Pattern::pair, Pattern::req_rep, Pattern::pub_sub));

TEST(Jpeg, GrayAndBgraLayouts) {
  {
    Link link(Protocol::ipc, Pattern::pair, {}, jpeg("GRAY"));
    const cv::Mat gray = card(120, 160, CV_8UC1);
    (void)link.sender.send(Frame(gray));
    auto got = link.receiver.recv_for(10s);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->frame.shape(), (std::vector<std::size_t>{120, 160}));
    EXPECT_GT(cv::PSNR(got->frame.mat(), gray), 30.0);
  }
  {
    Link link(Protocol::ipc, Pattern::pair, {}, jpeg("BGRA"));
    const cv::Mat bgra = card(120, 160, CV_8UC4);
    (void)link.sender.send(Frame(bgra));
    auto got = link.receiver.recv_for(10s);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->frame.shape(), (std::vector<std::size_t>{120, 160, 4}));
  }
}

TEST(Jpeg, AFrameTheFormatCannotCarryIsRefusedBeforeSending) {
  Link link(Protocol::tcp, Pattern::pair, {}, jpeg());
  try {
    (void)link.sender.send(Frame(cv::Mat(8, 8, CV_16UC3)));
    FAIL() << "a 16-bit frame went out as JPEG";
  } catch (const FrameError& e) {
    EXPECT_NE(std::string(e.what()).find("16"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)link.sender.send(Frame(cv::Mat(8, 8, CV_8UC1))), FrameError);  // BGR needs 3 channels
  EXPECT_EQ(link.sender.stats().frames_sent, 0u);
}

TEST(Jpeg, HeaderDecodesOnBothVidgearGenerations) {
  // A raw socket stands in for a vidgear receiver and reads what we emit.
  zmq::context_t ctx;
  zmq::socket_t raw(ctx, zmq::socket_type::pair);
  raw.bind("tcp://127.0.0.1:*");
  auto s = sender_settings_for(raw.get(zmq::sockopt::last_endpoint), Pattern::pair);
  s.options = jpeg();
  s.options.request_timeout = 300ms;
  Sender sender(s);
  std::thread sending([&] { (void)sender.send(Frame(card(64, 80, CV_8UC3))); });
  zmq::message_t head, payload;
  ASSERT_TRUE(raw.recv(head));
  ASSERT_TRUE(raw.recv(payload));
  raw.send(zmq::str_buffer("Data received on device: RAW !"), zmq::send_flags::none);
  sending.join();
  auto h = json::parse(head.to_string());
  EXPECT_EQ(h["compression"], (json{{"dct", true}, {"ups", false}, {"colorspace", "BGR"}}));  // 0.3.x reads this
  EXPECT_EQ(h["dtype"], "uint8");                                                          // 0.1.x reads these
  EXPECT_EQ(h["shape"], json::array({payload.size()}));
  EXPECT_EQ(static_cast<const unsigned char*>(payload.data())[0], 0xFF);  // a JPEG SOI marker
  EXPECT_EQ(static_cast<const unsigned char*>(payload.data())[1], 0xD8);
}

TEST(Jpeg, ACorruptPayloadIsDroppedAndTheStreamGoesOn) {
  Receiver receiver(receiver_settings(Protocol::tcp, Pattern::pair));
  zmq::context_t ctx;
  zmq::socket_t raw(ctx, zmq::socket_type::pair);
  raw.connect(receiver.endpoints().front());
  const std::string head =
      R"({"terminate_flag": false, "compression": {"dct": true, "ups": false, "colorspace": "BGR"}, "message": null, "pattern": "0", "dtype": "", "shape": ""})";
  const std::string garbage = "\xff\xd8\xff\xe0 this is not a JPEG";
  raw.send(zmq::buffer(head), zmq::send_flags::sndmore);
  raw.send(zmq::buffer(garbage), zmq::send_flags::none);
  EXPECT_TRUE(eventually([&] { return receiver.stats().bad == 1; }));
  // A good frame afterwards is delivered.
  std::vector<unsigned char> good;
  cv::imencode(".jpg", card(32, 32, CV_8UC3), good);
  raw.send(zmq::buffer(head), zmq::send_flags::sndmore);
  raw.send(zmq::buffer(good), zmq::send_flags::none);
  auto got = receiver.recv_for(10s);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->frame.shape(), (std::vector<std::size_t>{32, 32, 3}));
}

struct Lossless {
  const char* extension;
  int type;
};

class SeedFormats : public ::testing::TestWithParam<Lossless> {};

TEST_P(SeedFormats, LosslessFormatsRoundTripExactly) {
  Link link(Protocol::tcp, Pattern::req_rep, {}, image(GetParam().extension));
  const cv::Mat sent = card(50, 70, GetParam().type);
  (void)link.sender.send(Frame(sent));
  auto got = link.receiver.recv_for(10s);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->frame.mat().type(), sent.type());
  EXPECT_EQ(cv::norm(got->frame.mat(), sent, cv::NORM_INF), 0.0);
}

INSTANTIATE_TEST_SUITE_P(PngAndBmp, SeedFormats,
                         ::testing::Values(Lossless{".png", CV_8UC3}, Lossless{".png", CV_16UC1},
                                           Lossless{".png", CV_8UC4}, Lossless{".bmp", CV_8UC3}),
                         [](const auto& param_info) {
                           return std::string(param_info.param.extension + 1) + "_" +
                                  std::to_string(param_info.param.type);
                         });

TEST(SeedFormats, JpgWithEncodeParamsAndADecodeFlag) {
  Options sender = image(".jpg");
  sender.compression_param = {cv::IMWRITE_JPEG_QUALITY, 95};
  Options receiver;
  receiver.compression_decode_flag = cv::IMREAD_GRAYSCALE;  // vidgear 0.1.x's (accidental) default
  Link link(Protocol::tcp, Pattern::pair, receiver, sender);
  (void)link.sender.send(Frame(card(40, 60, CV_8UC3)));
  auto got = link.receiver.recv_for(10s);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->frame.shape(), (std::vector<std::size_t>{40, 60}));
}

}  // namespace
}  // namespace netgear::test

namespace netgear::test {
namespace {

TEST(Jpeg, TheNumpyShapeDecidesTheImageNotTheMatGeometry) {
  // Frame(mat, shape, dtype) may lay an H x W x 3 array over a 1 x N Mat.
  Link link(Protocol::tcp, Pattern::pair, {}, jpeg());
  Frame flat = pattern_frame({32, 42, 3}, Dtype::uint8, 0);
  ASSERT_EQ(flat.mat().rows, 1);
  ASSERT_EQ(link.sender.send(flat).status, SendStatus::delivered);
  auto got = link.receiver.recv_for(std::chrono::seconds(10));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->frame.shape(), (std::vector<std::size_t>{32, 42, 3}));
  EXPECT_THROW((void)link.sender.send(pattern_frame({2, 3, 4, 5}, Dtype::uint8, 0)), FrameError);
}

}  // namespace
}  // namespace netgear::test
