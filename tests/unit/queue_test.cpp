// The receiver queue's overflow policies, counters and wake-ups.
#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <string>
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

TEST(BoundedQueue, KeepsOrderAcrossTheRingsGrowthAndWrapAround) {
  BoundedQueue<std::string> q(6, OverflowPolicy::block);
  PopStatus s{};
  int next_in = 0, next_out = 0;
  // Uneven bursts: the ring grows from empty to full capacity and wraps many times.
  for (int round = 0; round < 50; ++round) {
    const int burst = 1 + round % 6;
    for (int i = 0; i < burst; ++i) ASSERT_TRUE(q.push(std::to_string(next_in++)));
    EXPECT_EQ(q.size(), static_cast<std::size_t>(burst));
    for (int i = 0; i < burst; ++i) EXPECT_EQ(q.pop(std::nullopt, s), std::to_string(next_out++));
  }
  EXPECT_EQ(q.size(), 0u);
  EXPECT_EQ(q.dropped(), 0u);
}

TEST(BoundedQueue, DropOldestWrapsAroundTheRing) {
  BoundedQueue<int> q(5, OverflowPolicy::drop_oldest);
  PopStatus s{};
  for (int i = 0; i < 3; ++i) q.push(i);
  EXPECT_EQ(pop_now(q, s), 0);  // the ring's head moves on
  for (int i = 3; i < 12; ++i) q.push(i);  // 12 pushed, 1 popped, the newest 5 kept
  EXPECT_EQ(q.dropped(), 6u);
  for (int i = 7; i < 12; ++i) EXPECT_EQ(pop_now(q, s), i);
  EXPECT_FALSE(pop_now(q, s));
}

TEST(BoundedQueue, CloseDropsQueuedItemsAtOnce) {
  auto alive = std::make_shared<int>(0);
  BoundedQueue<std::shared_ptr<int>> q(4, OverflowPolicy::block);
  q.push(alive);
  q.push(alive);
  EXPECT_EQ(alive.use_count(), 3);
  q.close();
  EXPECT_EQ(alive.use_count(), 1);  // no moved-from or stale copy stays in a slot
  PopStatus s{};
  EXPECT_FALSE(q.pop(std::nullopt, s));
}

// -- the byte bound ----------------------------------------------------------

TEST(BoundedQueueBytes, DropOldestEvictsUntilTheNewItemFits) {
  BoundedQueue<int> q(16, OverflowPolicy::drop_oldest, 100);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(q.push(i, 40));
  EXPECT_EQ(q.size(), 2u);  // 2 x 40 fit in 100, a third does not
  EXPECT_EQ(q.bytes(), 80u);
  EXPECT_EQ(q.dropped(), 3u);
  PopStatus s{};
  EXPECT_EQ(pop_now(q, s), 3);
  EXPECT_EQ(q.bytes(), 40u);
  EXPECT_EQ(pop_now(q, s), 4);
  EXPECT_EQ(q.bytes(), 0u);
}

TEST(BoundedQueueBytes, TheCountStillBounds) {
  BoundedQueue<int> q(2, OverflowPolicy::drop_oldest, 1000);
  for (int i = 0; i < 4; ++i) q.push(i, 1);
  EXPECT_EQ(q.size(), 2u);
  EXPECT_EQ(q.bytes(), 2u);
}

TEST(BoundedQueueBytes, AnItemLargerThanTheBoundPassesAlone) {
  BoundedQueue<int> q(16, OverflowPolicy::drop_oldest, 100);
  EXPECT_TRUE(q.push(1, 10));
  EXPECT_TRUE(q.push(2, 500));  // evicts 1, then enters the empty queue
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(q.bytes(), 500u);
  EXPECT_TRUE(q.push(3, 10));  // the big one goes: 510 would not fit
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(q.bytes(), 10u);
  EXPECT_EQ(q.dropped(), 2u);
  PopStatus s{};
  EXPECT_EQ(pop_now(q, s), 3);
}

TEST(BoundedQueueBytes, BlockWaitsForBytesToBeFreed) {
  BoundedQueue<int> q(16, OverflowPolicy::block, 100);
  EXPECT_TRUE(q.push(1, 60));
  auto second = std::async(std::launch::async, [&] { return q.push(2, 60); });
  // 120 > 100: the producer waits (a window in which it must not finish).
  EXPECT_EQ(second.wait_for(100ms), std::future_status::timeout);
  EXPECT_EQ(q.size(), 1u);
  PopStatus s{};
  EXPECT_EQ(pop_now(q, s), 1);
  EXPECT_TRUE(second.get());
  EXPECT_EQ(q.bytes(), 60u);
  EXPECT_EQ(q.dropped(), 0u);
}

TEST(BoundedQueueBytes, BlockTakesAnOversizedItemIntoAnEmptyQueue) {
  BoundedQueue<int> q(16, OverflowPolicy::block, 100);
  EXPECT_TRUE(q.push(1, 1000));  // does not wait forever
  EXPECT_EQ(q.bytes(), 1000u);
}

TEST(BoundedQueueBytes, CloseForgetsTheBytes) {
  BoundedQueue<int> q(16, OverflowPolicy::drop_oldest, 100);
  q.push(1, 50);
  q.close();
  EXPECT_EQ(q.bytes(), 0u);
}

}  // namespace
}  // namespace netgear::queue
