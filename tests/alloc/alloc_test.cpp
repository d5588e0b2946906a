// Heap allocations per frame on the steady-state raw path: netgear may make
// only the documented few beyond what libzmq makes for the same messages
// (bench/alloc/audit.hpp, docs/performance.md), and never copies the pixels.
// Counts, not timings: the same run always makes the same allocations, up to
// libzmq's pipe chunks (one per 256 messages), which the margin covers.
//
// Its own binary: the counter (bench/alloc/alloc_counter.cpp) replaces malloc
// for the whole process.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <ostream>
#include <string>
#include <thread>

#include "alloc/alloc_counter.hpp"
#include "alloc/audit.hpp"

namespace netgear::alloc_audit {
namespace {

TEST(AllocCounter, SeesMallocAndOperatorNewOnTheirOwnThread) {
  const auto before = alloc_counter::this_thread_allocs();
  void* volatile block = std::malloc(100);  // volatile: the compiler may not elide the pair
  std::free(block);
  auto object = std::make_unique<std::string>(100, 'x');  // the string object and its buffer
  EXPECT_EQ(alloc_counter::this_thread_allocs() - before, 3u);

  // Another thread's allocations are its own (starting a thread allocates on
  // the starting one, so compare inside the other thread).
  const long me = alloc_counter::this_thread_id();
  long other_id = 0;
  std::uint64_t other_count = 0;
  std::thread([&] {
    const auto start = alloc_counter::this_thread_allocs();
    void* volatile small = std::malloc(8);
    std::free(small);
    other_count = alloc_counter::this_thread_allocs() - start;
    other_id = alloc_counter::this_thread_id();
  }).join();
  EXPECT_EQ(other_count, 1u);
  EXPECT_NE(other_id, me);
  std::array<alloc_counter::ThreadTally, 64> all{};
  const std::size_t n = alloc_counter::snapshot(all);
  EXPECT_TRUE(std::any_of(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n),
                          [&](const auto& t) { return t.tid == other_id && t.allocs >= 1; }));
}

struct RawCase {
  Pattern pattern;
  bool copy;
};

std::string name_of(const RawCase& k) {
  const char* patterns[] = {"pair", "reqrep", "pubsub"};
  return std::string(patterns[static_cast<int>(k.pattern)]) + (k.copy ? "_copy" : "_nocopy");
}
std::string case_name(const ::testing::TestParamInfo<RawCase>& info) { return name_of(info.param); }
void PrintTo(const RawCase& k, std::ostream* os) { *os << name_of(k); }

Case raw_path_case(const RawCase& k, Protocol protocol) {
  Case c;
  c.pattern = k.pattern;
  c.copy = k.copy;
  c.protocol = protocol;
  c.rows = 240;
  c.cols = 320;
  c.channels = 3;
  c.warmup = 200;
  c.frames = 2000;
  return c;
}

std::string figures(const Tally& ng, const Tally& raw) {
  return "per frame: sender netgear " + std::to_string(ng.per_frame(ng.sender)) + " raw " +
         std::to_string(raw.per_frame(raw.sender)) + "; receiver netgear " + std::to_string(ng.per_frame(ng.receiver())) +
         " raw " + std::to_string(raw.per_frame(raw.receiver())) + "; netgear send() calls " +
         std::to_string(ng.send_calls) + " for " + std::to_string(ng.frames) + " frames";
}

// netgear's counts against raw cppzmq's plus the documented budget.
void expect_within_budget(const Case& c, const Tally& ng, const Tally& raw) {
  ASSERT_EQ(ng.frames, static_cast<std::uint64_t>(c.frames));
  ASSERT_EQ(raw.frames, static_cast<std::uint64_t>(c.frames));
  // The counter sees libzmq: the raw sender allocates a message for each part (both > 33 bytes).
  ASSERT_GE(raw.sender, 2 * raw.frames);
  const std::uint64_t slack = ng.frames / 50;  // libzmq's pipe chunks, on either side of the comparison
  // A PUB/SUB frame the pipe could not take yet is offered again: each send() costs what a sent frame does.
  const std::uint64_t zmq_send = raw.sender * ng.send_calls / raw.frames;
  const auto sender_budget_total = static_cast<std::uint64_t>(sender_budget(c.pattern)) * ng.send_calls;
  EXPECT_LE(ng.sender, zmq_send + sender_budget_total + slack) << figures(ng, raw);
  EXPECT_LE(ng.receiver(), raw.receiver() + static_cast<std::uint64_t>(receiver_budget) * ng.frames + slack)
      << figures(ng, raw);
  EXPECT_EQ(ng.other, 0u);
  // No copy of the pixels on netgear's threads: receiving wraps libzmq's
  // message; sending lends the Mat (copy=true: libzmq copies, as raw does).
  EXPECT_EQ(ng.receiver_large, 0u);
  if (c.copy) {
    EXPECT_GE(ng.sender_large, ng.frames);
    EXPECT_LE(ng.sender_large, ng.send_calls);
  } else {
    EXPECT_EQ(ng.sender_large, 0u);
  }
}

class RawPath : public ::testing::TestWithParam<RawCase> {};

TEST_P(RawPath, OverTcpNetgearStaysWithinItsAllocationBudget) {
  const Case c = raw_path_case(GetParam(), Protocol::tcp);
  const Tally ng = measure_netgear(c);
  const Tally raw = measure_raw(c);
  expect_within_budget(c, ng, raw);
}

TEST_P(RawPath, OverInprocTheReceivedPixelsAreTheSentBuffer) {
  const Case c = raw_path_case(GetParam(), Protocol::inproc);
  const Tally ng = measure_netgear(c);
  const Tally raw = measure_raw(c);
  expect_within_budget(c, ng, raw);
  // inproc passes the message itself: with copy=false the Mat's buffer goes
  // to ZeroMQ (zmq_msg_init_data) and the received Frame wraps that message.
  if (!c.copy) {
    EXPECT_TRUE(ng.same_buffer);
  }
}

INSTANTIATE_TEST_SUITE_P(Patterns, RawPath,
                         ::testing::Values(RawCase{Pattern::pair, false}, RawCase{Pattern::pair, true},
                                           RawCase{Pattern::req_rep, false}, RawCase{Pattern::req_rep, true},
                                           RawCase{Pattern::pub_sub, false}, RawCase{Pattern::pub_sub, true}),
                         case_name);

}  // namespace
}  // namespace netgear::alloc_audit
