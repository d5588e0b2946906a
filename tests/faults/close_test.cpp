// close() in the states tests/integration/timeout_test.cpp does not reach:
// a sender connecting to a port nobody listens on (wait_for_receiver() or
// send() blocked in another thread, also in the track=true release wait or
// behind encode workers), close() twice and from two threads at once, and
// close() waking recv() for PAIR and REQ/REP and mid-stream for all three
// patterns. A Sender's close() is checked against its promise, within
// min(request_timeout, 1 s), plus test::promise_slack(); the receiver's
// "promptly" has no figure, so its bounds are hang guards.
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

Settings settings_to_nobody(Pattern p) {
  auto s = test::sender_settings_for(refused_endpoint(p), p);
  if (p != Pattern::pub_sub) s.options.request_timeout = 60s;  // only close() can end a wait
  return s;
}

Sender sender_to_nobody(Pattern p) { return Sender(settings_to_nobody(p)); }

// What Sender::close() promises, plus room for the scheduler.
constexpr double close_bound_ms(Milliseconds request_timeout = 60s) {
  return static_cast<double>((std::min<Milliseconds>(request_timeout, 1s) + test::promise_slack()).count());
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
  EXPECT_LT(close_ms, close_bound_ms());
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
  EXPECT_LT(close_ms, close_bound_ms()) << "close() is bounded by min(request_timeout, 1 s)";
  EXPECT_THROW((void)sender.send(pattern_frame({4, 4}, Dtype::uint8, 1)), ModeError);
  std::cout << "[figures] " << pattern_name({GetParam(), 0}) << ": close() during a send to nobody took " << close_ms
            << " ms\n";
}

INSTANTIATE_TEST_SUITE_P(Patterns, CloseDuringConnect,
                         ::testing::Values(Pattern::pair, Pattern::req_rep, Pattern::pub_sub), pattern_name);

// track=true: send() waits until ZeroMQ lets go of the frame's buffer, which
// it never does without a peer. close() ends that wait too.
TEST(CloseDuringConnect, WakesASendWaitingForItsBufferAndKeepsItsDeadline) {
  auto s = settings_to_nobody(Pattern::pair);
  s.options.request_timeout = 4s;
  s.options.track = true;
  Sender sender(s);
  auto pending = std::async(std::launch::async, [&] { return sender.send(pattern_frame({64, 64, 3}, Dtype::uint8, 0)); });
  ASSERT_TRUE(test::eventually([&] { return sender.stats().frames_sent == 1; }));  // handed over, now waiting
  EXPECT_EQ(pending.wait_for(50ms), std::future_status::timeout);
  const auto start = Clock::now();
  sender.close();
  const double close_ms = ms_since(start);
  ASSERT_EQ(pending.wait_for(5s), std::future_status::ready);
  const double send_ms = ms_since(start);
  EXPECT_EQ(pending.get().status, SendStatus::interrupted);
  EXPECT_LT(close_ms, close_bound_ms(s.options.request_timeout));
  EXPECT_LT(send_ms, close_bound_ms(s.options.request_timeout)) << "the waiting send() returns with close()";
  std::cout << "[figures] track=true: close() took " << close_ms << " ms, the waiting send() returned after "
            << send_ms << " ms\n";
}

// encode_threads > 1: queued frames drain, and the termination is sent (on
// REQ/REP its acknowledgement awaited), all within the one deadline, not a
// deadline each.
TEST(CloseDuringConnect, DrainsEncodeWorkersWithinTheSameDeadline) {
  auto s = settings_to_nobody(Pattern::req_rep);
  s.options.request_timeout = 4s;
  s.options.jpeg_compression = true;
  s.options.encode_threads = 2;
  Sender sender(s);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(sender.send(pattern_frame({64, 64, 3}, Dtype::uint8, i)).status, SendStatus::queued);
  ASSERT_TRUE(test::eventually([&] { return sender.stats().frames_sent == 1; }));  // a worker waits for its reply
  const auto start = Clock::now();
  sender.close();
  const double close_ms = ms_since(start);
  EXPECT_LT(close_ms, close_bound_ms(s.options.request_timeout));
  EXPECT_GE(close_ms, 900.0) << "queued frames get the whole deadline to go out";
  EXPECT_THROW((void)sender.send(pattern_frame({64, 64, 3}, Dtype::uint8, 9)), ModeError);
  std::cout << "[figures] encode_threads=2: close() took " << close_ms << " ms\n";
}

// kill() (vidgear 0.3's close(kill=True)): the same sender stops at once:
// queued frames are dropped, the termination is only offered, 100 ms bound.
TEST(CloseDuringConnect, KillDropsQueuedFramesAndReturnsAtOnce) {
  auto s = settings_to_nobody(Pattern::req_rep);
  s.options.request_timeout = 4s;
  s.options.jpeg_compression = true;
  s.options.encode_threads = 2;
  Sender sender(s);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(sender.send(pattern_frame({64, 64, 3}, Dtype::uint8, i)).status, SendStatus::queued);
  ASSERT_TRUE(test::eventually([&] { return sender.stats().frames_sent == 1; }));
  const auto start = Clock::now();
  sender.kill();
  const double kill_ms = ms_since(start);
  EXPECT_LT(kill_ms, 100.0 + static_cast<double>(test::promise_slack().count()));
  EXPECT_THROW((void)sender.send(pattern_frame({64, 64, 3}, Dtype::uint8, 9)), ModeError);
  sender.close();  // idempotent after kill()
  std::cout << "[figures] encode_threads=2: kill() took " << kill_ms << " ms\n";
}

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
  EXPECT_LT(ms_since(start), close_bound_ms(link.sender.settings().options.request_timeout))
      << "three close() calls, two at once, share one deadline";
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
  EXPECT_LT(ms_since(closing), close_bound_ms(sender_options.request_timeout));
  std::cout << "[figures] " << pattern_name({GetParam(), 0}) << ": recv() woken " << woken_ms
            << " ms after close(); the sender's next send() returned in " << send_ms << " ms\n";
}

INSTANTIATE_TEST_SUITE_P(Patterns, CloseWakesRecvMidStream,
                         ::testing::Values(Pattern::pair, Pattern::req_rep, Pattern::pub_sub), pattern_name);

}  // namespace
}  // namespace netgear::faults
