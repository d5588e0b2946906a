// close() in the states tests/integration/timeout_test.cpp does not reach:
// a sender connecting to a port nobody listens on (wait_for_receiver() or
// send() blocked in another thread), close() twice and from two threads at
// once, and close() waking recv() for PAIR and REQ/REP and mid-stream for all
// three patterns. Bounds are generous hang guards.
#include <future>
#include <iostream>

#include "faults/fault_support.hpp"
#include "integration/stream_support.hpp"
#include "netgear/error.hpp"

namespace netgear::faults {
namespace {

using test::pattern_frame;

// A tcp endpoint on 127.0.0.1 where nothing listens: a port a receiver got
// from port 0 and gave back.
std::string refused_endpoint(Pattern p) {
  Receiver gone(test::receiver_settings(Protocol::tcp, p));
  return gone.endpoints().front();
}

Sender sender_to_nobody(Pattern p) {
  auto s = test::sender_settings_for(refused_endpoint(p), p);
  if (p != Pattern::pub_sub) s.options.request_timeout = 60s;  // only close() can end a wait
  return Sender(s);
}

TEST(CloseDuringConnect, WakesAWaitForReceiver) {
  Sender sender = sender_to_nobody(Pattern::pub_sub);
  auto waiting = std::async(std::launch::async, [&] { return sender.wait_for_receiver(60s); });
  EXPECT_EQ(waiting.wait_for(100ms), std::future_status::timeout) << "it should wait for a subscriber";
  const auto start = Clock::now();
  sender.close();
  const double close_ms = ms_since(start);
  ASSERT_EQ(waiting.wait_for(5s), std::future_status::ready);
  const double woken_ms = ms_since(start);
  EXPECT_FALSE(waiting.get());
  EXPECT_LT(close_ms, 3000);
  std::cout << "[figures] close() during wait_for_receiver: close " << close_ms << " ms, wait returned after "
            << woken_ms << " ms\n";
}

class CloseDuringConnect : public ::testing::TestWithParam<Pattern> {};

TEST_P(CloseDuringConnect, WakesASendAndReturnsPromptly) {
  Sender sender = sender_to_nobody(GetParam());
  auto pending = std::async(std::launch::async, [&] { return sender.send(pattern_frame({4, 4}, Dtype::uint8, 0)); });
  if (GetParam() == Pattern::pub_sub) {  // a publisher never waits: the frame goes to nobody
    ASSERT_EQ(pending.wait_for(5s), std::future_status::ready);
    EXPECT_EQ(pending.get().status, SendStatus::queued);
  } else {
    ASSERT_TRUE(test::eventually([&] { return sender.stats().frames_sent == 1; }));  // waiting for the reply
    EXPECT_EQ(pending.wait_for(50ms), std::future_status::timeout);
  }
  const auto start = Clock::now();
  sender.close();
  const double close_ms = ms_since(start);
  if (GetParam() != Pattern::pub_sub) {
    ASSERT_EQ(pending.wait_for(5s), std::future_status::ready);
    EXPECT_EQ(pending.get().status, SendStatus::interrupted);
  }
  EXPECT_LT(close_ms, 3000) << "close() is bounded by min(request_timeout, 1 s)";
  EXPECT_THROW((void)sender.send(pattern_frame({4, 4}, Dtype::uint8, 1)), ModeError);
  std::cout << "[figures] " << pattern_name({GetParam(), 0}) << ": close() during a send to nobody took " << close_ms
            << " ms\n";
}

INSTANTIATE_TEST_SUITE_P(Patterns, CloseDuringConnect,
                         ::testing::Values(Pattern::pair, Pattern::req_rep, Pattern::pub_sub), pattern_name);

class DoubleClose : public ::testing::TestWithParam<Pattern> {};

TEST_P(DoubleClose, IsHarmlessOnBothSidesAlsoFromTwoThreads) {
  test::Link link(Protocol::tcp, GetParam());
  (void)test::send_reliably(link.sender, pattern_frame({8, 8}, Dtype::uint8, 3));
  ASSERT_TRUE(link.receiver.recv_for(10s));
  const auto start = Clock::now();
  {
    auto a = std::async(std::launch::async, [&] { link.sender.close(); });
    auto b = std::async(std::launch::async, [&] { link.sender.close(); });
  }
  link.sender.close();
  EXPECT_THROW((void)link.sender.send(pattern_frame({8, 8}, Dtype::uint8, 4)), ModeError);
  EXPECT_FALSE(link.sender.wait_for_receiver(10ms));
  {
    auto a = std::async(std::launch::async, [&] { link.receiver.close(); });
    auto b = std::async(std::launch::async, [&] { link.receiver.close(); });
  }
  link.receiver.close();
  EXPECT_LT(ms_since(start), 5000);
  EXPECT_FALSE(link.receiver.recv_for(10ms));
  EXPECT_FALSE(link.receiver.recv());
  EXPECT_TRUE(link.receiver.ended());
  EXPECT_EQ(link.receiver.stats().delivered, 1u);
}  // the destructors close a third time

INSTANTIATE_TEST_SUITE_P(Patterns, DoubleClose, ::testing::Values(Pattern::pair, Pattern::req_rep, Pattern::pub_sub),
                         pattern_name);

class CloseWakesRecv : public ::testing::TestWithParam<Pattern> {};

// PAIR and REQ/REP (timeout_test covers PUB/SUB): recv_for with a long wait.
TEST_P(CloseWakesRecv, WithNoSender) {
  Receiver receiver(test::receiver_settings(Protocol::tcp, GetParam()));
  auto pending = std::async(std::launch::async, [&] { return receiver.recv_for(60s); });
  EXPECT_EQ(pending.wait_for(100ms), std::future_status::timeout);
  const auto start = Clock::now();
  receiver.close();
  ASSERT_EQ(pending.wait_for(5s), std::future_status::ready);
  EXPECT_FALSE(pending.get());
  EXPECT_LT(ms_since(start), 3000);
  EXPECT_EQ(receiver.end_reason(), EndReason::closed);
}

INSTANTIATE_TEST_SUITE_P(Patterns, CloseWakesRecv, ::testing::Values(Pattern::pair, Pattern::req_rep), pattern_name);

class CloseWakesRecvMidStream : public ::testing::TestWithParam<Pattern> {};

// A live sender has sent frames and the receiver has taken them all; recv()
// waits for the next one when close() comes. The sender then notices nothing
// worse than missing replies: no call hangs.
TEST_P(CloseWakesRecvMidStream, AndTheSenderGoesOnWithoutHanging) {
  Options sender_options;
  if (GetParam() != Pattern::pub_sub) {
    sender_options.request_timeout = 300ms;
    sender_options.max_retries = -1;
  }
  test::Link link(Protocol::tcp, GetParam(), {}, sender_options);
  for (int i = 0; i < 3; ++i) {
    (void)test::send_reliably(link.sender, pattern_frame({8, 8}, Dtype::uint8, i));
    ASSERT_TRUE(link.receiver.recv_for(10s));
  }
  auto pending = std::async(std::launch::async, [&] { return link.receiver.recv(); });
  EXPECT_EQ(pending.wait_for(100ms), std::future_status::timeout);
  const auto start = Clock::now();
  link.receiver.close();
  ASSERT_EQ(pending.wait_for(5s), std::future_status::ready);
  const double woken_ms = ms_since(start);
  EXPECT_FALSE(pending.get());
  EXPECT_EQ(link.receiver.end_reason(), EndReason::closed);

  const auto sending = Clock::now();
  const auto status = link.sender.send(pattern_frame({8, 8}, Dtype::uint8, 9)).status;
  const double send_ms = ms_since(sending);
  if (GetParam() == Pattern::pub_sub) {
    EXPECT_TRUE(status == SendStatus::queued || status == SendStatus::dropped);
  } else {
    EXPECT_EQ(status, SendStatus::timed_out);
  }
  EXPECT_LT(send_ms, 300 + 2000);
  const auto closing = Clock::now();
  link.sender.close();
  EXPECT_LT(ms_since(closing), 3000);
  std::cout << "[figures] " << pattern_name({GetParam(), 0}) << ": recv() woken " << woken_ms
            << " ms after close(); the sender's next send() returned in " << send_ms << " ms\n";
}

INSTANTIATE_TEST_SUITE_P(Patterns, CloseWakesRecvMidStream,
                         ::testing::Values(Pattern::pair, Pattern::req_rep, Pattern::pub_sub), pattern_name);

}  // namespace
}  // namespace netgear::faults
