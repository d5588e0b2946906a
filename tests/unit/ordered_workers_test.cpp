// OrderedWorkers: jobs run in parallel, results are delivered in submission
// order, one at a time; stop() and drain() are bounded.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "pipeline/ordered_workers.hpp"
#include "support/test_support.hpp"

namespace netgear::pipeline {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A one-shot gate the jobs wait on, with a deadline so a broken pool fails
// the test instead of hanging it.
class Gate {
 public:
  void open() {
    std::lock_guard lock(m_);
    open_ = true;
    cv_.notify_all();
  }
  bool wait(std::chrono::milliseconds limit = 10s) {
    std::unique_lock lock(m_);
    return cv_.wait_for(lock, limit, [&] { return open_; });
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  bool open_ = false;
};

TEST(OrderedWorkers, AJobThatFinishesFirstStillWaitsForItsTurn) {
  Gate second_done;
  std::mutex m;
  std::vector<int> delivered;
  std::vector<int> finished;  // the order work() returned in
  OrderedWorkers<int, int> pool(
      2, 2,
      [&](int&& job) {
        if (job == 0) {
          EXPECT_TRUE(second_done.wait());  // job 0 outlasts job 1
        }
        std::lock_guard lock(m);
        finished.push_back(job);
        if (job == 1) second_done.open();
        return job;
      },
      [&](int&& done) {
        std::lock_guard lock(m);
        delivered.push_back(done);
      });
  ASSERT_TRUE(pool.submit(0));
  ASSERT_TRUE(pool.submit(1));
  ASSERT_TRUE(pool.drain(Clock::now() + 10s));
  EXPECT_EQ(finished, (std::vector<int>{1, 0}));
  EXPECT_EQ(delivered, (std::vector<int>{0, 1}));
}

TEST(OrderedWorkers, WorkRunsOnAllThreadsAtOnce) {
  std::atomic<int> running{0};
  std::atomic<int> peak{0};
  Gate all_in;
  OrderedWorkers<int, int> pool(
      3, 3,
      [&](int&& job) {
        const int now = ++running;
        int seen = peak.load();
        while (now > seen && !peak.compare_exchange_weak(seen, now)) {
        }
        if (now == 3) all_in.open();
        EXPECT_TRUE(all_in.wait());  // each waits until all three are inside work()
        --running;
        return job;
      },
      [](int&&) {});
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(pool.submit(i));
  ASSERT_TRUE(pool.drain(Clock::now() + 10s));
  EXPECT_EQ(peak.load(), 3);
}

TEST(OrderedWorkers, ManyJobsKeepTheirOrderAndDeliverOneAtATime) {
  std::atomic<int> delivering{0};
  std::vector<int> delivered;
  OrderedWorkers<int, int> pool(
      4, 4, [](int&& job) { return job * 2; },
      [&](int&& done) {
        EXPECT_EQ(++delivering, 1) << "two delivers at once";
        delivered.push_back(done);  // unguarded on purpose: delivers never overlap
        --delivering;
      });
  constexpr int kJobs = 2000;
  for (int i = 0; i < kJobs; ++i) ASSERT_TRUE(pool.submit(i));
  ASSERT_TRUE(pool.drain(Clock::now() + 30s));
  ASSERT_EQ(delivered.size(), static_cast<std::size_t>(kJobs));
  for (int i = 0; i < kJobs; ++i) ASSERT_EQ(delivered[static_cast<std::size_t>(i)], i * 2) << "at " << i;
  EXPECT_EQ(pool.in_flight(), 0u);
}

TEST(OrderedWorkers, SubmitWaitsWhileTheBacklogIsFull) {
  Gate release;
  std::atomic<int> started{0};
  OrderedWorkers<int, int> pool(
      1, 1,
      [&](int&& job) {
        ++started;
        EXPECT_TRUE(release.wait());
        return job;
      },
      [](int&&) {});
  ASSERT_TRUE(pool.submit(0));  // taken by the worker, which then waits
  ASSERT_TRUE(pool.submit(1));  // fills the backlog of one
  std::atomic<bool> third_in{false};
  std::thread producer([&] {
    EXPECT_TRUE(pool.submit(2));
    third_in = true;
  });
  EXPECT_FALSE(pool.drain(Clock::now() + 50ms));  // nothing can finish yet
  EXPECT_FALSE(third_in.load()) << "submit() did not wait for room";
  release.open();
  producer.join();
  EXPECT_TRUE(third_in.load());
  ASSERT_TRUE(pool.drain(Clock::now() + 10s));
  EXPECT_EQ(started.load(), 3);
}

TEST(OrderedWorkers, StopDiscardsWaitingJobsFinishesRunningOnesAndRefusesMore) {
  Gate release;
  std::vector<int> delivered;
  std::mutex m;
  Gate first_running;
  OrderedWorkers<int, int> pool(
      1, 4,
      [&](int&& job) {
        if (job == 0) {
          first_running.open();
          EXPECT_TRUE(release.wait());
        }
        return job;
      },
      [&](int&& done) {
        std::lock_guard lock(m);
        delivered.push_back(done);
      });
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(pool.submit(i));
  ASSERT_TRUE(first_running.wait());
  std::thread stopper([&] { pool.stop(); });
  // stop() joins the worker, which is still inside job 0: let it finish.
  ASSERT_TRUE(test::eventually([&] { return pool.in_flight() == 1; }));  // jobs 1..3 discarded first
  release.open();
  stopper.join();
  EXPECT_EQ(delivered, (std::vector<int>{0}));
  EXPECT_FALSE(pool.submit(9));
  EXPECT_EQ(pool.in_flight(), 0u);
  pool.stop();  // again: a no-op
}

TEST(OrderedWorkers, SubmitBlockedOnAFullBacklogReturnsFalseAtStop) {
  Gate release;
  OrderedWorkers<int, int> pool(
      1, 1,
      [&](int&& job) {
        EXPECT_TRUE(release.wait());
        return job;
      },
      [](int&&) {});
  ASSERT_TRUE(pool.submit(0));
  ASSERT_TRUE(pool.submit(1));
  std::atomic<int> result{-1};
  std::thread producer([&] { result = pool.submit(2) ? 1 : 0; });
  std::thread stopper([&] { pool.stop(); });
  ASSERT_TRUE(test::eventually([&] { return pool.in_flight() <= 1; }));  // stop() discarded the backlog
  release.open();
  stopper.join();
  producer.join();
  // The backlog stayed full until stop() emptied it, so the third job never
  // got in: it was refused.
  EXPECT_EQ(result.load(), 0);
  EXPECT_EQ(pool.in_flight(), 0u);
}

}  // namespace
}  // namespace netgear::pipeline
