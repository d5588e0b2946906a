// The receiver queue's overflow policies, counters and wake-ups.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "queue/bounded_queue.hpp"

namespace netgear::queue {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::optional<int> pop_now(BoundedQueue<int>& q, PopStatus& status) { return q.pop(Clock::now(), status); }

TEST(BoundedQueue, DropOldestKeepsTheNewestAndCounts) {
  BoundedQueue<int> q(3, OverflowPolicy::drop_oldest);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(q.push(i));
  EXPECT_EQ(q.dropped(), 2u);
  PopStatus s{};
  EXPECT_EQ(pop_now(q, s), 2);
  EXPECT_EQ(pop_now(q, s), 3);
  EXPECT_EQ(pop_now(q, s), 4);
  EXPECT_FALSE(pop_now(q, s));
  EXPECT_EQ(s, PopStatus::timed_out);
}

TEST(BoundedQueue, LatestOnlyKeepsOne) {
  BoundedQueue<int> q(8, OverflowPolicy::latest_only);
  for (int i = 0; i < 4; ++i) q.push(i);
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(q.dropped(), 3u);
  PopStatus s{};
  EXPECT_EQ(pop_now(q, s), 3);
}

TEST(BoundedQueue, BlockWaitsForRoomAndLosesNothing) {
  BoundedQueue<int> q(2, OverflowPolicy::block);
  q.push(0);
  q.push(1);
  auto producer = std::async(std::launch::async, [&] { return q.push(2); });
  EXPECT_EQ(producer.wait_for(50ms), std::future_status::timeout);  // full: the producer waits
  PopStatus s{};
  EXPECT_EQ(q.pop(std::nullopt, s), 0);
  EXPECT_TRUE(producer.get());
  EXPECT_EQ(q.pop(std::nullopt, s), 1);
  EXPECT_EQ(q.pop(std::nullopt, s), 2);
  EXPECT_EQ(q.dropped(), 0u);
}

TEST(BoundedQueue, FinishDrainsThenReportsFinished) {
  BoundedQueue<int> q(4, OverflowPolicy::block);
  q.push(7);
  q.finish();
  PopStatus s{};
  EXPECT_EQ(q.pop(std::nullopt, s), 7);
  EXPECT_FALSE(q.pop(std::nullopt, s));
  EXPECT_EQ(s, PopStatus::finished);
  EXPECT_FALSE(q.push(8));
}

TEST(BoundedQueue, CloseWakesABlockedProducerAndConsumer) {
  BoundedQueue<int> full(1, OverflowPolicy::block);
  full.push(0);
  auto producer = std::async(std::launch::async, [&] { return full.push(1); });
  BoundedQueue<int> empty(1, OverflowPolicy::block);
  auto consumer = std::async(std::launch::async, [&] {
    PopStatus s{};
    return empty.pop(std::nullopt, s);
  });
  full.close();
  empty.close();
  EXPECT_FALSE(producer.get());
  EXPECT_FALSE(consumer.get());
}

}  // namespace
}  // namespace netgear::queue
