// Nothing blocks forever: a missing peer, a silent peer, close() from another
// thread. Bounds are generous hang guards, not performance thresholds.
#include <gtest/gtest.h>

#include <future>
#include <limits>

#include "integration/stream_support.hpp"
#include "netgear/error.hpp"

namespace netgear::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// An ipc path nobody binds: a sender aimed at it never gets a reply.
Settings sender_to_nowhere(Pattern pattern) {
  auto s = receiver_settings(Protocol::ipc, pattern);
  s.options.request_timeout = 200ms;
  s.options.max_retries = 2;
  return s;
}

class MissingReceiver : public ::testing::TestWithParam<Pattern> {};

TEST_P(MissingReceiver, SendTimesOutThenGivesUp) {
  Sender sender(sender_to_nowhere(GetParam()));
  auto frame = pattern_frame({4, 4}, Dtype::uint8, 0);
  EXPECT_EQ(sender.send(frame).status, SendStatus::timed_out);
  EXPECT_THROW((void)sender.send(frame), PeerLostError);
  EXPECT_THROW((void)sender.send(frame), PeerLostError);
  EXPECT_EQ(sender.stats().timeouts, 2u);
  const auto start = Clock::now();
  sender.close();
  EXPECT_LT(Clock::now() - start, std::min<Milliseconds>(sender.settings().options.request_timeout, 1s) + promise_slack());
}

TEST_P(MissingReceiver, CloseIsBoundedWithoutAnySend) {
  Sender sender(sender_to_nowhere(GetParam()));
  const auto start = Clock::now();
  sender.close();
  sender.close();  // idempotent
  EXPECT_LT(Clock::now() - start, std::min<Milliseconds>(sender.settings().options.request_timeout, 1s) + promise_slack());
  EXPECT_THROW((void)sender.send(pattern_frame({4, 4}, Dtype::uint8, 0)), ModeError);
}

std::string pattern_name(const ::testing::TestParamInfo<Pattern>& info) {
  const char* names[] = {"pair", "reqrep", "pubsub"};
  return names[static_cast<int>(info.param)];
}

INSTANTIATE_TEST_SUITE_P(Patterns, MissingReceiver, ::testing::Values(Pattern::pair, Pattern::req_rep), pattern_name);

TEST(MissingReceiver, MaxRetriesMinusOneRetriesForever) {
  auto s = sender_to_nowhere(Pattern::req_rep);
  s.options.request_timeout = 50ms;
  s.options.max_retries = -1;
  Sender sender(s);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(sender.send(pattern_frame({4, 4}, Dtype::uint8, i)).status, SendStatus::timed_out);
}

TEST(MissingReceiver, CloseFromAnotherThreadInterruptsAWaitingSend) {
  auto s = sender_to_nowhere(Pattern::pair);
  s.options.request_timeout = 60s;
  Sender sender(s);
  auto pending = std::async(std::launch::async, [&] { return sender.send(pattern_frame({4, 4}, Dtype::uint8, 0)); });
  // Wait until the send is under way (it has handed the frame to ZeroMQ).
  ASSERT_TRUE(eventually([&] { return sender.stats().frames_sent == 1; }));
  sender.close();
  ASSERT_EQ(pending.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(pending.get().status, SendStatus::interrupted);
}

class SilentSender : public ::testing::TestWithParam<Pattern> {};

TEST_P(SilentSender, RecvReturnsOnceReceiveTimeoutPasses) {
  auto s = receiver_settings(Protocol::tcp, GetParam());
  s.options.receive_timeout = 300ms;
  Receiver receiver(s);
  EXPECT_FALSE(receiver.recv());
  EXPECT_EQ(receiver.end_reason(), EndReason::timed_out);
}

INSTANTIATE_TEST_SUITE_P(Patterns, SilentSender, ::testing::Values(Pattern::pair, Pattern::req_rep, Pattern::pub_sub),
                         pattern_name);

TEST(SilentSender, SubscriberTimeoutEndsAPubSubStream) {
  auto s = receiver_settings(Protocol::tcp, Pattern::pub_sub);
  s.options.subscriber_timeout = 300ms;
  Receiver receiver(s);
  EXPECT_FALSE(receiver.recv());
  EXPECT_EQ(receiver.end_reason(), EndReason::timed_out);
}

// Without receive_timeout, a PAIR or REQ/REP receiver waits 3 x
// request_timeout per retry, as vidgear's: never less (a lower bound on the
// steady clock cannot flake), and the stream does end.
TEST(SilentSender, DefaultTimeoutIsThreeRequestTimeoutsPerRetry) {
  auto s = receiver_settings(Protocol::tcp, Pattern::pair);
  s.options.request_timeout = 100ms;
  s.options.max_retries = 2;  // 3 x 100 ms x 2
  const auto start = Clock::now();
  Receiver receiver(s);
  EXPECT_FALSE(receiver.recv());
  EXPECT_GE(Clock::now() - start, 600ms) << "the stream ended before 3 x request_timeout x max_retries";
  EXPECT_LT(Clock::now() - start, 600ms + 5s) << "hang guard";
  EXPECT_EQ(receiver.end_reason(), EndReason::timed_out);
}

// The largest accepted values: 3 x request_timeout x max_retries does not
// overflow (it used to, and the stream ended at once); it saturates.
TEST(SilentSender, AHugeDefaultTimeoutSaturatesInsteadOfEndingTheStream) {
  auto s = receiver_settings(Protocol::tcp, Pattern::req_rep);
  // 3 x 1e9 ms x 1e6 = 3e15 ms: 3e21 ns, past 2^63 (it used to wrap to a deadline 216 years ago).
  s.options.request_timeout = std::chrono::seconds(1'000'000);
  s.options.max_retries = 1'000'000;
  Receiver receiver(s);
  EXPECT_FALSE(receiver.recv_for(300ms));
  EXPECT_EQ(receiver.end_reason(), EndReason::none);
}

TEST(SilentSender, RecvForReturnsWithoutEndingTheStream) {
  Receiver receiver(receiver_settings(Protocol::tcp, Pattern::pair));
  EXPECT_FALSE(receiver.recv_for(50ms));
  EXPECT_EQ(receiver.end_reason(), EndReason::none);
}

TEST(Close, FromAnotherThreadWakesABlockedRecv) {
  auto s = receiver_settings(Protocol::tcp, Pattern::pub_sub);  // no timeout by default
  Receiver receiver(s);
  auto pending = std::async(std::launch::async, [&] { return receiver.recv(); });
  EXPECT_EQ(pending.wait_for(50ms), std::future_status::timeout);  // it really blocks
  receiver.close();
  ASSERT_EQ(pending.wait_for(10s), std::future_status::ready);
  EXPECT_FALSE(pending.get());
  EXPECT_EQ(receiver.end_reason(), EndReason::closed);
  receiver.close();  // idempotent
}

TEST(Close, ReleasesAnIoThreadBlockedOnAFullQueue) {
  Options o;
  o.queue_size = 1;
  Link link(Protocol::tcp, Pattern::pair, o);
  for (int i = 0; i < 2; ++i) (void)link.sender.send(pattern_frame({4, 4}, Dtype::uint8, i));
  ASSERT_TRUE(eventually([&] { return link.receiver.stats().received == 2; }));  // one queued, one waiting
  const auto start = Clock::now();
  link.receiver.close();
  EXPECT_LT(Clock::now() - start, 5s);
}

}  // namespace
}  // namespace netgear::test
