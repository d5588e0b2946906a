// A sender process killed with SIGKILL mid-stream. The receiver (in this
// process) keeps running and takes the frames of a restarted sender, for every
// pattern; with no new sender it ends within its receive_timeout and says why.
#include <iostream>
#include <map>

#include "faults/fault_support.hpp"
#include "faults/frame_stamp.hpp"
#include "netgear/receiver.hpp"
#include "support/test_support.hpp"

namespace netgear::faults {
namespace {

// What arrived from one sender generation.
struct Tally {
  long long frames = 0;
  long long first_seq = -1, last_seq = -1;
  long long out_of_order = 0;  // a seq not above the one before (duplicate or reordered)
  long long gaps = 0;          // seqs skipped
  long long bad_pixels = 0;
};

class SenderKilled : public ::testing::TestWithParam<Pattern> {
 protected:
  std::optional<Receiver> receiver_;
  std::string endpoint_;
  std::map<long long, Tally> seen_;

  // Binds the receiver (in this process) on 127.0.0.1, on `port` or any free one.
  void start_receiver(std::chrono::milliseconds receive_timeout, const std::string& port = "*") {
    auto s = test::receiver_settings(Protocol::tcp, GetParam());
    s.port = port;
    s.options.receive_timeout = receive_timeout;
    receiver_.emplace(s);
    endpoint_ = receiver_->endpoints().front();
  }

  std::vector<std::string> sender(int gen) const {
    return peer_args({"sender", "--pattern", pattern_arg(GetParam()), "--endpoint", endpoint_, "--gen", std::to_string(gen)});
  }

  void note(const Received& got) {
    const long long gen = got.message.value("gen", -1LL), seq = got.message.value("seq", -1LL);
    Tally& t = seen_[gen];
    if (t.frames == 0) t.first_seq = seq;
    else if (seq <= t.last_seq) ++t.out_of_order;
    else t.gaps += seq - t.last_seq - 1;
    t.last_seq = std::max(t.last_seq, seq);
    ++t.frames;
    if (!frame_matches(got.frame.mat(), gen, seq)) ++t.bad_pixels;
  }

  // Takes frames until `want` frames of generation `gen` have arrived.
  bool take_until(long long gen, long long want, Clock::time_point deadline) {
    while (seen_[gen].frames < want) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return false;
      auto got = receiver_->recv_for(left);
      if (!got) {
        if (receiver_->ended()) return false;
        continue;
      }
      note(*got);
    }
    return true;
  }
};

TEST_P(SenderKilled, ReceiverResumesWithARestartedSender) {
  start_receiver(20s);
  {
    PeerProcess first(sender(1));
    ASSERT_TRUE(take_until(1, 50, after(15s))) << "no stream from the first sender";
    first.kill();
  }
  const auto killed_at = Clock::now();
  const long long before_kill = seen_[1].frames;
  PeerProcess second(sender(2));
  ASSERT_TRUE(take_until(2, 1, after(15s))) << "no frame from the restarted sender; receiver ended="
                                            << receiver_->ended();
  const double resume_ms = ms_since(killed_at);
  ASSERT_TRUE(take_until(2, 50, after(15s)));
  EXPECT_FALSE(receiver_->ended());
  for (const long long gen : {1, 2}) {
    const Tally& t = seen_[gen];
    EXPECT_EQ(t.out_of_order, 0) << "gen " << gen;
    EXPECT_EQ(t.bad_pixels, 0) << "gen " << gen;
    if (GetParam() != Pattern::pub_sub) {  // lockstep patterns lose nothing while the sender lives
      EXPECT_EQ(t.first_seq, 0) << "gen " << gen;
      EXPECT_EQ(t.gaps, 0) << "gen " << gen;
    }
  }
  std::cout << "[figures] " << pattern_name({GetParam(), 0}) << ": first sender " << before_kill
            << " frames before SIGKILL (" << seen_[1].frames << " in all, last seq " << seen_[1].last_seq
            << "); restarted sender's first frame " << resume_ms << " ms after the kill (first seq "
            << seen_[2].first_seq << "), " << seen_[2].frames << " frames after it\n";
}

INSTANTIATE_TEST_SUITE_P(Patterns, SenderKilled, ::testing::Values(Pattern::pair, Pattern::req_rep, Pattern::pub_sub),
                         pattern_name);

// No sender comes back: the receiver delivers what it has, then ends with
// EndReason::timed_out once receive_timeout has passed.
// The receive_timeout clock starts when the receiver binds, so the sender
// process is started first (on a port taken from port 0 and given back) and
// the receiver binds once it runs: a slow process start cannot end the stream.
class SenderKilledForGood : public SenderKilled {};

TEST_P(SenderKilledForGood, ReceiverEndsWithinItsReceiveTimeout) {
  start_receiver(2s);
  const std::string port = endpoint_.substr(endpoint_.rfind(':') + 1);
  receiver_.reset();
  PeerProcess only(sender(1));
  ASSERT_TRUE(only.read_line_starting("ready", after(15s)));
  start_receiver(2s, port);
  ASSERT_TRUE(take_until(1, 20, after(15s)));
  only.kill();
  const auto killed_at = Clock::now();
  while (auto got = receiver_->recv()) note(*got);  // the queued frames, then the end
  const double ended_ms = ms_since(killed_at);
  EXPECT_EQ(receiver_->end_reason(), EndReason::timed_out);
  EXPECT_LT(ended_ms, 2000 + 5000) << "receive_timeout is 2 s";  // generous hang guard
  EXPECT_EQ(seen_[1].out_of_order, 0);
  std::cout << "[figures] " << pattern_name({GetParam(), 0}) << ": " << seen_[1].frames
            << " frames, then the stream ended (timed_out) " << ended_ms << " ms after the SIGKILL (receive_timeout 2000 ms)\n";
}

INSTANTIATE_TEST_SUITE_P(Patterns, SenderKilledForGood,
                         ::testing::Values(Pattern::pair, Pattern::req_rep, Pattern::pub_sub), pattern_name);

}  // namespace
}  // namespace netgear::faults
