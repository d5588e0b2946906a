// A receiver process killed with SIGKILL and restarted on the same endpoint
// (the port it got from port 0). The sender, in this process, rides out the
// outage and continues with the new receiver (max_retries -1 for PAIR and
// REQ/REP); with a finite max_retries and no receiver coming back, send()
// throws PeerLostError within request_timeout x max_retries, and no call
// blocks past its deadline.
#include <iostream>
#include <map>

#include <opencv2/core.hpp>

#include "faults/fault_support.hpp"
#include "faults/frame_stamp.hpp"
#include "netgear/error.hpp"
#include "netgear/sender.hpp"
#include "support/test_support.hpp"

namespace netgear::faults {
namespace {

constexpr auto kRequestTimeout = 250ms;
constexpr double kRequestTimeoutMs = 250;

std::vector<std::string> receiver_cmd(Pattern p, const std::string& endpoint) {
  return peer_args({"receiver", "--pattern", pattern_arg(p), "--endpoint", endpoint, "-o", "receive_timeout=30"});
}

// Sends stamped frames (as fault_peer's generation 0) and times every call.
struct TimedSender {
  explicit TimedSender(const Settings& s) : sender(s) {}
  Sender sender;
  long long seq = 0;
  double longest_ms = 0;
  std::map<SendStatus, int> statuses;

  SendResult send() {
    cv::Mat m(48, 64, CV_8UC3, cv::Scalar::all(fill_byte(0, seq)));
    const auto start = Clock::now();
    auto result = sender.send(m, {{"gen", 0}, {"seq", seq}});
    longest_ms = std::max(longest_ms, ms_since(start));
    ++statuses[result.status];
    ++seq;
    return result;
  }
};

// Moves the frame lines a receiver peer has printed so far into `into`.
void drain(PeerProcess& peer, std::vector<FrameLine>& into) {
  while (auto line = peer.read_line(Clock::now()))
    if (auto f = parse_frame(*line)) into.push_back(*f);
}

void expect_in_order(const std::vector<FrameLine>& frames, const char* which) {
  for (std::size_t i = 0; i < frames.size(); ++i) {
    EXPECT_TRUE(frames[i].ok) << which << " frame " << frames[i].seq << " has wrong pixels";
    if (i > 0) {
      EXPECT_GT(frames[i].seq, frames[i - 1].seq) << which << ": duplicate or reordered";
    }
  }
}

class ReceiverKilled : public ::testing::TestWithParam<Pattern> {};

TEST_P(ReceiverKilled, SenderContinuesWithTheRestartedReceiver) {
  const Pattern pattern = GetParam();
  std::optional<PeerProcess> rx(std::in_place, receiver_cmd(pattern, "tcp://127.0.0.1:0"));
  const std::string endpoint = read_endpoint(*rx);
  ASSERT_FALSE(endpoint.empty());
  auto s = test::sender_settings_for(endpoint, pattern);
  if (pattern != Pattern::pub_sub) {  // PUB/SUB waits for no reply: it has neither option
    s.options.request_timeout = kRequestTimeout;
    s.options.max_retries = -1;  // retry forever
  }
  TimedSender tx(s);
  if (pattern == Pattern::pub_sub) {
    ASSERT_TRUE(tx.sender.wait_for_receiver(10s));
  }

  std::vector<FrameLine> before, after_restart;
  for (const auto deadline = after(15s); before.size() < 20 && Clock::now() < deadline; drain(*rx, before)) tx.send();
  ASSERT_GE(before.size(), 20u);
  rx->kill();
  const long long sent_before = tx.seq;

  // The outage: PAIR and REQ/REP miss replies; PUB/SUB sees its subscriber leave.
  const auto outage_end = after(10s);
  if (pattern == Pattern::pub_sub) {
    while (tx.sender.stats().receivers > 0 && Clock::now() < outage_end) tx.send();
    EXPECT_EQ(tx.sender.stats().receivers, 0u) << "the publisher never noticed its subscriber was gone";
  } else {
    while (tx.statuses[SendStatus::timed_out] < 2 && Clock::now() < outage_end) tx.send();
    EXPECT_GE(tx.statuses[SendStatus::timed_out], 2);
  }
  const long long sent_in_outage = tx.seq - sent_before;

  rx.emplace(receiver_cmd(pattern, endpoint));
  ASSERT_EQ(read_endpoint(*rx), endpoint) << "the receiver could not bind the same port again";
  const auto restarted_at = Clock::now();
  double resume_ms = -1;
  const long long first_after = tx.seq;
  for (const auto deadline = after(15s); after_restart.size() < 20 && Clock::now() < deadline; drain(*rx, after_restart)) {
    tx.send();
    if (resume_ms < 0 && !after_restart.empty()) resume_ms = ms_since(restarted_at);
  }
  ASSERT_GE(after_restart.size(), 20u) << "the sender did not reach the restarted receiver";
  if (resume_ms < 0) resume_ms = ms_since(restarted_at);
  expect_in_order(before, "first receiver");
  expect_in_order(after_restart, "restarted receiver");
  EXPECT_GE(after_restart.front().seq, first_after) << "a frame from before the restart arrived late";
  EXPECT_LT(tx.longest_ms, kRequestTimeoutMs + 2000)
      << "a send() blocked past request_timeout";
  if (pattern != Pattern::pub_sub) {
    EXPECT_EQ(tx.sender.stats().timeouts, static_cast<std::uint64_t>(tx.statuses[SendStatus::timed_out]));
  }

  tx.sender.close();  // the restarted receiver hears the end of the stream
  const auto end = rx->read_line_starting("end ", after(10s));
  ASSERT_TRUE(end);
  EXPECT_EQ(field(*end, "reason"), "terminated") << *end;
  std::cout << "[figures] " << pattern_name({pattern, 0}) << ": " << before.size() << " frames before SIGKILL; "
            << sent_in_outage << " sends during the outage (" << tx.statuses[SendStatus::timed_out]
            << " timed out); first frame at the restarted receiver " << resume_ms << " ms after its restart: seq "
            << after_restart.front().seq << ", send #" << after_restart.front().seq - first_after + 1
            << " after the restart (the ones before went to nobody); longest send() " << tx.longest_ms << " ms\n";
}

INSTANTIATE_TEST_SUITE_P(Patterns, ReceiverKilled, ::testing::Values(Pattern::pair, Pattern::req_rep, Pattern::pub_sub),
                         pattern_name);

class ReceiverGone : public ::testing::TestWithParam<Pattern> {};

TEST_P(ReceiverGone, SendGivesUpWithPeerLostErrorWithinItsDeadline) {
  constexpr int kRetries = 3;
  const double rt_ms = kRequestTimeoutMs;
  PeerProcess rx(receiver_cmd(GetParam(), "tcp://127.0.0.1:0"));
  const std::string endpoint = read_endpoint(rx);
  ASSERT_FALSE(endpoint.empty());
  auto s = test::sender_settings_for(endpoint, GetParam());
  s.options.request_timeout = kRequestTimeout;
  s.options.max_retries = kRetries;
  TimedSender tx(s);
  for (int i = 0; i < 10; ++i) ASSERT_EQ(tx.send().status, SendStatus::delivered);
  rx.kill();

  const auto lost_from = Clock::now();
  bool lost = false;
  while (!lost && tx.seq < 100) {
    try {
      EXPECT_EQ(tx.send().status, SendStatus::timed_out);
    } catch (const PeerLostError& e) {
      lost = true;
      std::cout << "PeerLostError: " << e.what() << "\n";
    }
  }
  const double gave_up_ms = ms_since(lost_from);
  ASSERT_TRUE(lost);
  EXPECT_EQ(tx.statuses[SendStatus::timed_out], kRetries - 1) << "the max_retries-th miss throws";
  EXPECT_LT(tx.longest_ms, rt_ms + 1500) << "one send() blocked past request_timeout";
  EXPECT_LT(gave_up_ms, rt_ms * kRetries + 2000) << "giving up took longer than request_timeout x max_retries";

  const auto again = Clock::now();
  EXPECT_THROW((void)tx.send(), PeerLostError);
  const double again_ms = ms_since(again);
  EXPECT_LT(again_ms, 1000) << "a sender that gave up must say so at once";
  const auto closing = Clock::now();
  tx.sender.close();
  const double close_ms = ms_since(closing);
  EXPECT_LT(close_ms, std::min<double>(rt_ms, 1000) + test::promise_slack().count())
      << "close() is bounded by min(request_timeout, 1 s)";
  std::cout << "[figures] " << pattern_name({GetParam(), 0}) << ": request_timeout " << rt_ms << " ms, max_retries "
            << kRetries << ": PeerLostError " << gave_up_ms << " ms after the SIGKILL (longest send() " << tx.longest_ms
            << " ms); next send() threw in " << again_ms << " ms; close() " << close_ms << " ms\n";
}

INSTANTIATE_TEST_SUITE_P(Patterns, ReceiverGone, ::testing::Values(Pattern::pair, Pattern::req_rep), pattern_name);

}  // namespace
}  // namespace netgear::faults
