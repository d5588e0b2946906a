// A receiver process that works slowly on every frame (a sleep stands in for
// the work), fed 500 frames of 1 MiB by a sender process as fast as it can.
// block: the sender is paced and nothing is lost (every seq, in order).
// latest_only: frames are dropped, and each frame recv() returns is fresh:
// "behind" = (frames the sender had started before recv() was called) - 1 - seq
// (both processes share that count through a mapped file). PAIR, REQ/REP:
// behind <= 2, as the sender waits for the reply to frame k before starting
// k+1 and the reply goes out before the frame is queued, so frame started-3 was
// already queued. PUB/SUB: nothing paces the sender, so frames can also wait
// in the kernel's TCP buffers between the processes: behind <= their size in
// frames (tcp_wmem + tcp_rmem maxima) + 6 (ZeroMQ's one-message high-water
// marks and engines at both ends, the queue, the frame in hand).
// Memory: peak RSS growth (VmHWM at the end minus VmRSS before the first
// frame) stays under queue_size + 16 frames (block) / 12 frames (latest_only)
// for the receiver, 8 frames for the sender.
#include <fstream>
#include <iostream>

#include "faults/fault_support.hpp"
#include "faults/shared_counter.hpp"
#include "support/test_support.hpp"

namespace netgear::faults {
namespace {

constexpr long long kFrames = 500;
constexpr long long kFrameKb = 1024;  // 1024 x 1024 x 1 bytes
constexpr long long kQueue = 16;      // the receiver's queue_size (the default)

struct SlowCase {
  Pattern pattern;
  OverflowPolicy policy;
  int work_ms;
};

// The most 1 MiB frames the kernel's TCP send and receive buffers of one
// loopback connection can hold (the maxima of tcp_wmem and tcp_rmem).
long long kernel_buffer_frames() {
  long long total = 0;
  for (const char* path : {"/proc/sys/net/ipv4/tcp_wmem", "/proc/sys/net/ipv4/tcp_rmem"}) {
    std::ifstream in(path);
    long long low = 0, initial = 0, max = 0;
    in >> low >> initial >> max;
    total += max;
  }
  return (total + kFrameKb * 1024 - 1) / (kFrameKb * 1024);
}

std::string case_name(const ::testing::TestParamInfo<SlowCase>& info) {
  return pattern_name({info.param.pattern, 0}) + "_" + std::string(to_string(info.param.policy));
}

class SlowReceiver : public ::testing::TestWithParam<SlowCase> {};

TEST_P(SlowReceiver, KeepsItsPolicyAndBoundedMemory) {
  const SlowCase c = GetParam();
  test::TempDir dir;
  const std::string progress = (dir.path() / "progress").string();
  SharedCounter{progress}.store(0);
  PeerProcess rx(peer_args({"receiver", "--pattern", pattern_arg(c.pattern), "--endpoint", "tcp://127.0.0.1:0",
                            "--work-ms", std::to_string(c.work_ms), "--progress", progress, "-o",
                            "overflow_policy=\"" + std::string(to_string(c.policy)) + "\"", "-o",
                            "queue_size=" + std::to_string(kQueue), "-o", "receive_timeout=30"}));
  const std::string endpoint = read_endpoint(rx);
  ASSERT_FALSE(endpoint.empty());
  const auto rx_start = rx.read_line_starting("start ", after(10s));
  ASSERT_TRUE(rx_start);
  const auto started = Clock::now();
  PeerProcess tx(peer_args({"sender", "--pattern", pattern_arg(c.pattern), "--endpoint", endpoint, "--frame",
                            "1024x1024x1", "--count", std::to_string(kFrames), "--progress", progress}));

  std::vector<FrameLine> frames;
  std::optional<std::string> rx_end;
  for (const auto deadline = after(45s); !rx_end;) {
    auto line = rx.read_line(deadline);
    if (!line) break;
    if (auto f = parse_frame(*line)) frames.push_back(*f);
    if (line->rfind("end ", 0) == 0) rx_end = line;
  }
  const double elapsed_ms = ms_since(started);
  ASSERT_TRUE(rx_end) << "the receiver did not end its stream";
  const auto tx_start = tx.read_line_starting("start ", after(10s));
  const auto tx_end = tx.read_line_starting("end ", after(10s));
  ASSERT_TRUE(tx_start && tx_end);
  EXPECT_EQ(field(*rx_end, "reason"), "terminated");
  EXPECT_EQ(number(*tx_end, "sent"), kFrames);
  ASSERT_FALSE(frames.empty());

  long long max_behind = 0, bad = 0, out_of_order = 0, behind_bound = kQueue + 1;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    max_behind = std::max(max_behind, frames[i].behind.value_or(0));
    bad += frames[i].ok ? 0 : 1;
    if (i > 0 && frames[i].seq <= frames[i - 1].seq) ++out_of_order;
  }
  EXPECT_EQ(bad, 0) << "frames with wrong pixels";
  EXPECT_EQ(out_of_order, 0);
  EXPECT_EQ(frames.back().seq, kFrames - 1) << "the last frame must not be lost";
  if (c.policy == OverflowPolicy::block) {
    EXPECT_EQ(static_cast<long long>(frames.size()), kFrames) << "block must lose nothing";
    EXPECT_EQ(frames.front().seq, 0);
    EXPECT_EQ(number(*rx_end, "dropped"), 0);
    // Paced: queue_size frames queued, one held by the I/O thread, one in flight.
    EXPECT_LE(max_behind, behind_bound) << "the sender ran ahead of the receiver";
  } else {
    EXPECT_LT(static_cast<long long>(frames.size()), kFrames) << "a slow latest_only receiver should drop frames";
    EXPECT_GT(number(*rx_end, "dropped"), 0);
    behind_bound = c.pattern == Pattern::pub_sub ? kernel_buffer_frames() + 6 : 2;
    EXPECT_LE(max_behind, behind_bound) << "a stale frame was delivered";
  }

  const long long rx_growth = number(*rx_end, "hwm_kb") - number(*rx_start, "rss_kb");
  const long long tx_growth = number(*tx_end, "hwm_kb") - number(*tx_start, "rss_kb");
  const long long rx_bound = (c.policy == OverflowPolicy::block ? kQueue + 16 : 12) * kFrameKb;
  if (!test::sanitized_build()) {  // a sanitizer's allocator keeps freed blocks: its RSS is not ours
    EXPECT_LT(rx_growth, rx_bound) << "receiver peak RSS grew by " << rx_growth / 1024 << " MiB";
    EXPECT_LT(tx_growth, 8 * kFrameKb) << "sender peak RSS grew by " << tx_growth / 1024 << " MiB";
  }
  ASSERT_TRUE(rx.wait_exit(after(10s)));
  ASSERT_TRUE(tx.wait_exit(after(10s)));
  std::cout << "[figures] " << case_name({c, 0}) << " (work " << c.work_ms << " ms/frame): " << frames.size() << " of "
            << kFrames << " frames delivered in " << elapsed_ms << " ms, dropped " << number(*rx_end, "dropped")
            << ", max behind " << max_behind << " (bound " << behind_bound << "); receiver RSS " << number(*rx_start, "rss_kb") / 1024 << " MiB -> peak "
            << number(*rx_end, "hwm_kb") / 1024 << " MiB (+" << rx_growth / 1024 << ", bound " << rx_bound / 1024
            << "); sender RSS " << number(*tx_start, "rss_kb") / 1024 << " MiB -> peak "
            << number(*tx_end, "hwm_kb") / 1024 << " MiB (+" << tx_growth / 1024 << ", bound 8)\n";
}

INSTANTIATE_TEST_SUITE_P(Policies, SlowReceiver,
                         ::testing::Values(SlowCase{Pattern::pair, OverflowPolicy::block, 2},
                                           SlowCase{Pattern::req_rep, OverflowPolicy::block, 2},
                                           SlowCase{Pattern::pair, OverflowPolicy::latest_only, 20},
                                           SlowCase{Pattern::req_rep, OverflowPolicy::latest_only, 20},
                                           SlowCase{Pattern::pub_sub, OverflowPolicy::latest_only, 20}),
                         case_name);

}  // namespace
}  // namespace netgear::faults
