// encode_threads > 1: frames are compressed on several threads and still go
// out in the order send() was called; close() lets queued frames out first;
// an encode error reaches the caller through the next send().
#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "integration/stream_support.hpp"
#include "netgear/error.hpp"

namespace netgear::test {
namespace {

using namespace std::chrono_literals;

Options encoders(int threads, bool jpeg = true) {
  Options o;
  if (jpeg) o.jpeg_compression = true;
  else o.compression_format = ".png";
  o.encode_threads = threads;
  return o;
}

// Frame `i`: a flat grey of its own level, so a decoded frame says which it is.
cv::Mat numbered(int i) { return cv::Mat(48, 64, CV_8UC3, cv::Scalar::all(static_cast<double>(i * 4 % 256))); }

int level_of(const Frame& frame) { return static_cast<int>(std::lround(cv::mean(frame.mat())[0])); }

class EncodeWorkers : public ::testing::TestWithParam<Pattern> {};

TEST_P(EncodeWorkers, FramesKeepTheOrderOfTheirSendCalls) {
  Options receiving;
  receiving.queue_size = 100;  // PUB/SUB: keep every frame that arrives
  Link link(Protocol::tcp, GetParam(), receiving, encoders(2));
  constexpr int kFrames = 60;
  for (int i = 0; i < kFrames; ++i)
    ASSERT_EQ(link.sender.send(Frame(numbered(i)), i).status, SendStatus::queued) << "frame " << i;
  link.sender.close();  // lets the queued frames out first

  const auto sent = link.sender.stats();
  EXPECT_EQ(sent.frames_sent + sent.dropped, static_cast<std::uint64_t>(kFrames));
  if (GetParam() != Pattern::pub_sub) {
    EXPECT_EQ(sent.frames_sent, static_cast<std::uint64_t>(kFrames));
  }

  int previous = -1;
  std::uint64_t arrived = 0;
  while (auto got = link.receiver.recv_for(10s)) {
    const int i = got->message.get<int>();
    EXPECT_GT(i, previous) << "frame " << i << " after frame " << previous;
    EXPECT_NEAR(level_of(got->frame), i * 4 % 256, 2) << "the payload of frame " << i << " is another frame's";
    ASSERT_TRUE(got->seq);
    // PUB/SUB: a frame dropped for a full pipe leaves a gap in the sequence.
    if (GetParam() == Pattern::pub_sub) {
      EXPECT_GE(*got->seq, arrived) << "wire sequence";
    } else {
      EXPECT_EQ(*got->seq, arrived) << "wire sequence";
    }
    previous = i;
    ++arrived;
  }
  EXPECT_EQ(arrived, sent.frames_sent);
  EXPECT_EQ(link.receiver.end_reason(), EndReason::terminated);
}

INSTANTIATE_TEST_SUITE_P(Patterns, EncodeWorkers, ::testing::Values(Pattern::pair, Pattern::req_rep, Pattern::pub_sub));

TEST(EncodeWorkersPng, LosslessFramesArriveExactAndInOrder) {
  Link link(Protocol::ipc, Pattern::pair, {}, encoders(3, false));
  for (int i = 0; i < 12; ++i) ASSERT_EQ(link.sender.send(Frame(numbered(i)), i).status, SendStatus::queued);
  for (int i = 0; i < 12; ++i) {
    auto got = link.receiver.recv_for(10s);
    ASSERT_TRUE(got) << "frame " << i;
    EXPECT_EQ(got->message, i);
    EXPECT_EQ(cv::norm(got->frame.mat(), numbered(i), cv::NORM_INF), 0.0) << "frame " << i;
  }
}

TEST(EncodeWorkersErrors, AFrameThatCannotBeEncodedIsThrownByALaterSend) {
  Link link(Protocol::tcp, Pattern::pair, {}, encoders(2));
  ASSERT_EQ(link.sender.send(Frame(numbered(0)), 0).status, SendStatus::queued);
  ASSERT_EQ(link.sender.send(Frame(cv::Mat(8, 8, CV_16UC3))).status, SendStatus::queued);  // JPEG carries 8 bits
  std::string error;
  ASSERT_TRUE(eventually([&] {
    error = error_text<FrameError>([&] { (void)link.sender.send(Frame(numbered(1)), 1); });
    return !error.empty();
  })) << "no send() reported the frame that could not be encoded";
  EXPECT_NE(error.find("frame 2"), std::string::npos) << error;
  EXPECT_NE(error.find("CV_16U"), std::string::npos) << error;

  // The error is reported once; the stream goes on.
  ASSERT_EQ(link.sender.send(Frame(numbered(3)), 3).status, SendStatus::queued);
  link.sender.close();
  auto first = link.receiver.recv_for(10s);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->message, 0);
}

TEST(EncodeWorkersErrors, CloseReturnsPromptlyWhenNobodyReceives) {
  Settings s = sender_settings_for("tcp://127.0.0.1:9", Pattern::req_rep);  // no receiver on port 9
  s.options = encoders(2);
  s.options.request_timeout = 300ms;
  Sender sender(std::move(s));
  for (int i = 0; i < 4; ++i) (void)sender.send(Frame(numbered(i)), i);
  const auto start = std::chrono::steady_clock::now();
  sender.close();
  // One deadline, min(request_timeout, 1 s), for the drain and the termination together.
  EXPECT_LT(std::chrono::steady_clock::now() - start, 300ms + promise_slack());
  EXPECT_THROW((void)sender.send(Frame(numbered(9))), ModeError);
}

TEST(EncodeWorkersOptions, WhatCannotWorkIsRefusedByName) {
  auto refused = [](Role role, Options o) {
    Settings s = role == Role::sender ? sender_settings_for("tcp://127.0.0.1:5555", Pattern::pair)
                                      : receiver_settings(Protocol::tcp, Pattern::pair);
    s.options = std::move(o);
    return error_text<OptionError>([&] { s.validate(role); });
  };
  Options raw;
  raw.encode_threads = 2;
  EXPECT_NE(refused(Role::sender, raw).find("encode_threads"), std::string::npos);
  EXPECT_NE(refused(Role::receiver, encoders(2)).find("encode_threads"), std::string::npos);
  Options bidirectional = encoders(2);
  bidirectional.bidirectional_mode = true;
  EXPECT_NE(refused(Role::sender, bidirectional).find("bidirectional_mode"), std::string::npos);
  Options dontwait = encoders(2);
  dontwait.flag = 1;
  EXPECT_NE(refused(Role::sender, dontwait).find("flag=1"), std::string::npos);
  EXPECT_EQ(refused(Role::sender, encoders(2)), "");

  Options o;
  EXPECT_THROW(o.set("encode_threads", 0), OptionError);
  EXPECT_THROW(o.set("encode_threads", 17), OptionError);
  o.set("encode_threads", 4);
  EXPECT_EQ(o.encode_threads, 4);
}

}  // namespace
}  // namespace netgear::test
