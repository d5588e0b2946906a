// Sender -> Receiver over real sockets: every pattern on tcp, ipc and inproc,
// every dtype, n-dimensional shapes, messages, end of stream, overflow policies.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include <opencv2/core.hpp>

#include "integration/stream_support.hpp"
#include "netgear/error.hpp"

namespace netgear::test {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

struct Case {
  Protocol protocol;
  Pattern pattern;
};

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  const char* patterns[] = {"pair", "reqrep", "pubsub"};
  return std::string(to_string(info.param.protocol)) + "_" + patterns[static_cast<int>(info.param.pattern)];
}

class Stream : public ::testing::TestWithParam<Case> {};

struct Shape {
  std::vector<std::size_t> shape;
  Dtype dtype;
};

const std::vector<Shape> kShapes = {
    {{4, 5, 3}, Dtype::uint8},       {{480, 640, 3}, Dtype::uint8}, {{7, 9}, Dtype::uint16},
    {{2, 3, 4, 5}, Dtype::float32},  {{5}, Dtype::int8},            {{3, 4, 2}, Dtype::int16},
    {{6, 6, 4}, Dtype::int32},       {{8, 8}, Dtype::float64},      {{4, 4}, Dtype::float16},
    {{3, 3}, Dtype::boolean},        {{2, 2, 600}, Dtype::uint8},   {{4, 4, 1}, Dtype::uint8},
    {{5, 7}, Dtype::uint32},         {{3, 4, 2}, Dtype::int64},     {{9}, Dtype::uint64},
    {{2, 3}, Dtype::complex64},
};

TEST_P(Stream, EveryDtypeAndShapeArrivesIntactWithItsMessage) {
  Link link(GetParam().protocol, GetParam().pattern);
  for (std::size_t i = 0; i < kShapes.size(); ++i) {
    const auto& s = kShapes[i];
    const int seed = static_cast<int>(i);
    auto sent = send_reliably(link.sender, pattern_frame(s.shape, s.dtype, seed), json{{"i", i}, {"tag", "x"}});
    EXPECT_EQ(sent.status, GetParam().pattern == Pattern::pub_sub ? SendStatus::queued : SendStatus::delivered);

    auto got = link.receiver.recv_for(10s);
    ASSERT_TRUE(got) << "frame " << i << " did not arrive";
    EXPECT_EQ(got->frame.shape(), s.shape);
    EXPECT_EQ(got->frame.dtype(), s.dtype);
    EXPECT_TRUE(is_pattern_frame(got->frame, seed)) << "frame " << i << " content differs";
    EXPECT_EQ(got->message, (json{{"i", i}, {"tag", "x"}}));
    EXPECT_EQ(got->seq, i);
    ASSERT_TRUE(got->sent_at);
    EXPECT_LE(*got->sent_at, got->received_at);
  }
}

TEST_P(Stream, CloseEndsTheStreamAfterEveryQueuedFrame) {
  Link link(GetParam().protocol, GetParam().pattern);
  constexpr int kFrames = 10;  // fewer than the queue holds, so none is dropped
  for (int i = 0; i < kFrames; ++i) send_reliably(link.sender, pattern_frame({16, 16, 3}, Dtype::uint8, i));
  link.sender.close();
  ASSERT_TRUE(eventually([&] { return link.receiver.end_reason() != EndReason::none; }))
      << "termination never arrived";
  for (int i = 0; i < kFrames; ++i) {
    // A caller that saw recv_for() time out and asks ended() must not stop here.
    EXPECT_FALSE(link.receiver.ended()) << "ended() with frame " << i << " still queued";
    auto got = link.receiver.recv_for(std::chrono::milliseconds(0));
    ASSERT_TRUE(got) << "queued frame " << i << " was lost at end of stream";
    EXPECT_TRUE(is_pattern_frame(got->frame, i));
  }
  EXPECT_TRUE(link.receiver.ended());
  EXPECT_FALSE(link.receiver.recv());
  EXPECT_EQ(link.receiver.end_reason(), EndReason::terminated);
  EXPECT_EQ(link.receiver.stats().delivered, static_cast<std::uint64_t>(kFrames));
}

TEST_P(Stream, NonContiguousRegionIsSentAsItsPixels) {
  Link link(GetParam().protocol, GetParam().pattern);
  cv::Mat big(60, 80, CV_8UC3);
  cv::randu(big, 0, 255);
  cv::Mat roi = big(cv::Rect(10, 5, 30, 20));
  ASSERT_FALSE(roi.isContinuous());
  send_reliably(link.sender, Frame(roi));
  auto got = link.receiver.recv_for(10s);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->frame.shape(), (std::vector<std::size_t>{20, 30, 3}));
  EXPECT_EQ(cv::norm(got->frame.mat(), roi, cv::NORM_INF), 0.0);
}

INSTANTIATE_TEST_SUITE_P(AllPatternsAndProtocols, Stream,
                         ::testing::Values(Case{Protocol::tcp, Pattern::pair}, Case{Protocol::tcp, Pattern::req_rep},
                                           Case{Protocol::tcp, Pattern::pub_sub}, Case{Protocol::ipc, Pattern::pair},
                                           Case{Protocol::ipc, Pattern::req_rep}, Case{Protocol::ipc, Pattern::pub_sub},
                                           Case{Protocol::inproc, Pattern::pair},
                                           Case{Protocol::inproc, Pattern::req_rep},
                                           Case{Protocol::inproc, Pattern::pub_sub}),
                         case_name);

TEST(Stream, PubSubSenderCountsItsReceivers) {
  auto receiver = std::make_unique<Receiver>(receiver_settings(Protocol::tcp, Pattern::pub_sub));
  Sender sender(sender_settings_for(receiver->endpoints().front(), Pattern::pub_sub));
  ASSERT_TRUE(sender.wait_for_receiver(10s));
  (void)sender.send(pattern_frame({2, 2}, Dtype::uint8, 0));
  EXPECT_EQ(sender.stats().receivers, 1u);
  receiver.reset();  // the receiver leaves: its unsubscription reaches the sender
  EXPECT_TRUE(eventually([&] {
    (void)sender.send(pattern_frame({2, 2}, Dtype::uint8, 0));
    return sender.stats().receivers == 0;
  }));
  EXPECT_FALSE(sender.wait_for_receiver(50ms));
}

TEST(Stream, ReplyIsVidgearsAcknowledgement) {
  Link link(Protocol::tcp, Pattern::req_rep);
  auto result = link.sender.send(pattern_frame({2, 2}, Dtype::uint8, 0));
  ASSERT_EQ(result.status, SendStatus::delivered);
  const auto text = result.reply.get<std::string>();
  EXPECT_EQ(text.rfind("Data received on device: ", 0), 0u) << text;
  EXPECT_EQ(text.size(), std::string("Data received on device: ").size() + 8 + 2) << text;
}

// The I/O thread keeps reading while recv() is not called; the policy decides what waits.
ReceiverStats fill_while_not_reading(Link& link, int frames) {
  for (int i = 0; i < frames; ++i) EXPECT_EQ(link.sender.send(pattern_frame({8, 8}, Dtype::uint8, i)).status, SendStatus::delivered);
  EXPECT_TRUE(eventually([&] { return link.receiver.stats().received == static_cast<std::uint64_t>(frames); }));
  return link.receiver.stats();
}

TEST(OverflowPolicy, LatestOnlyServesTheNewestFrame) {
  Options o;
  o.overflow_policy = OverflowPolicy::latest_only;
  Link link(Protocol::tcp, Pattern::pair, o);
  auto stats = fill_while_not_reading(link, 20);
  EXPECT_EQ(stats.dropped, 19u);
  auto got = link.receiver.recv_for(1s);
  ASSERT_TRUE(got);
  EXPECT_TRUE(is_pattern_frame(got->frame, 19));
}

TEST(OverflowPolicy, DropOldestKeepsTheLastQueueSizeFrames) {
  Options o;
  o.overflow_policy = OverflowPolicy::drop_oldest;
  o.queue_size = 4;
  Link link(Protocol::tcp, Pattern::pair, o);
  auto stats = fill_while_not_reading(link, 20);
  EXPECT_EQ(stats.dropped, 16u);
  EXPECT_EQ(stats.queued, 4u);
  for (int i = 16; i < 20; ++i) {
    auto got = link.receiver.recv_for(1s);
    ASSERT_TRUE(got);
    EXPECT_TRUE(is_pattern_frame(got->frame, i));
  }
}

TEST(OverflowPolicy, BlockPacesTheSenderAndLosesNothing) {
  Options o;
  o.queue_size = 2;
  o.request_timeout = 20s;
  Link link(Protocol::tcp, Pattern::req_rep, o);
  auto producer = std::async(std::launch::async, [&] {
    for (int i = 0; i < 50; ++i) (void)link.sender.send(pattern_frame({8, 8}, Dtype::uint8, i));
    link.sender.close();
  });
  for (int i = 0; i < 50; ++i) {
    ASSERT_LE(link.receiver.stats().queued, 2u);
    auto got = link.receiver.recv_for(10s);
    ASSERT_TRUE(got);
    EXPECT_TRUE(is_pattern_frame(got->frame, i));
  }
  producer.get();
  EXPECT_FALSE(link.receiver.recv_for(10s));
  EXPECT_EQ(link.receiver.stats().dropped, 0u);
}

TEST(ZeroCopy, CopyFalseWithTrackLetsTheCallerReuseTheBuffer) {
  Options o;
  o.copy = false;
  o.track = true;
  Link link(Protocol::tcp, Pattern::pub_sub, {}, o);
  cv::Mat reused(32, 32, CV_8UC3, cv::Scalar(1, 1, 1));
  ASSERT_EQ(send_reliably(link.sender, Frame(reused)).status, SendStatus::queued);
  reused.setTo(cv::Scalar(9, 9, 9));  // safe: track waited for ZeroMQ to let go
  auto got = link.receiver.recv_for(10s);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->frame.mat().at<cv::Vec3b>(0, 0), cv::Vec3b(1, 1, 1));
}

TEST(ZeroCopy, InprocCopyFalseHandsTheSameBufferOver) {
  Options o;
  o.copy = false;
  Link link(Protocol::inproc, Pattern::pair, {}, o);
  cv::Mat frame(64, 64, CV_8UC3, cv::Scalar(5, 6, 7));
  ASSERT_EQ(link.sender.send(Frame(frame)).status, SendStatus::delivered);
  auto got = link.receiver.recv_for(10s);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->frame.mat().data, frame.data) << "inproc zero-copy should not copy the pixels";
}

TEST(ZeroCopy, CopyTrueDetachesFromTheCallersBuffer) {
  Options o;
  o.copy = true;
  Link link(Protocol::inproc, Pattern::pair, {}, o);
  cv::Mat frame(64, 64, CV_8UC3, cv::Scalar(5, 6, 7));
  ASSERT_EQ(link.sender.send(Frame(frame)).status, SendStatus::delivered);
  frame.setTo(cv::Scalar(0, 0, 0));
  auto got = link.receiver.recv_for(10s);
  ASSERT_TRUE(got);
  EXPECT_NE(got->frame.mat().data, frame.data);
  EXPECT_EQ(got->frame.mat().at<cv::Vec3b>(0, 0), cv::Vec3b(5, 6, 7));
}

TEST(Stream, ReceivedFrameOutlivesReceiverAndMessageBuffer) {
  cv::Mat kept;
  {
    Link link(Protocol::tcp, Pattern::pair);
    (void)link.sender.send(pattern_frame({10, 10, 3}, Dtype::uint8, 3));
    auto got = link.receiver.recv_for(10s);
    ASSERT_TRUE(got);
    kept = got->frame.mat();
  }
  EXPECT_TRUE(is_pattern_frame(Frame(kept), 3));
}

}  // namespace
}  // namespace netgear::test
