#pragma once
// OrderedWorkers: a fixed set of threads that run jobs in parallel and hand
// their results on strictly in the order the jobs were submitted.
//
// The Sender uses it to encode frames on several cores while the frames keep
// their order on the wire: `work` (the encode) runs concurrently on any
// worker; `deliver` (the send) runs for job k only after job k-1's deliver
// returned, on whichever worker finished job k. No extra thread does the
// delivering, so a result goes out as soon as it is its turn.
//
// Contract: `work` and `deliver` must not throw (catch inside and carry the
// error in Done). Both run on the worker threads. Every wait is on a
// condition variable; idle workers sleep.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace netgear::pipeline {

template <class Job, class Done>
class OrderedWorkers {
 public:
  using Clock = std::chrono::steady_clock;
  using Work = std::function<Done(Job&&)>;
  using Deliver = std::function<void(Done&&)>;

  /// Starts `threads` (>= 1) workers. At most `backlog` (>= 1) submitted jobs
  /// wait for a free worker; submit() waits for room beyond that.
  OrderedWorkers(std::size_t threads, std::size_t backlog, Work work, Deliver deliver)
      : backlog_(backlog ? backlog : 1), work_(std::move(work)), deliver_(std::move(deliver)) {
    for (std::size_t i = 0; i < (threads ? threads : 1); ++i) threads_.emplace_back([this] { run(); });
  }

  ~OrderedWorkers() { stop(); }
  OrderedWorkers(const OrderedWorkers&) = delete;
  OrderedWorkers& operator=(const OrderedWorkers&) = delete;

  /// Queues a job, waiting while the backlog is full. Returns false (the job
  /// is discarded) once stop() has begun.
  bool submit(Job job) {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [&] { return stopping_ || waiting_.size() < backlog_; });
    if (stopping_) return false;
    waiting_.emplace_back(next_ticket_++, std::move(job));
    work_ready_.notify_one();
    return true;
  }

  /// Waits until every job submitted so far has been delivered, or the
  /// deadline passes. Returns true when none is left.
  bool drain(Clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    return delivered_.wait_until(lock, deadline, [&] { return next_turn_ == next_ticket_; });
  }

  /// Jobs submitted and not delivered yet (waiting, working or delivering).
  std::size_t in_flight() const {
    std::lock_guard lock(mutex_);
    return static_cast<std::size_t>(next_ticket_ - next_turn_);
  }

  /// Discards the jobs no worker has started, lets the started ones finish and
  /// deliver, and joins the workers. Idempotent. Bounded by the longest
  /// running work + deliver: make those return promptly first if need be.
  void stop() {
    std::lock_guard joining(stop_mutex_);  // a second caller waits for the first
    {
      std::lock_guard lock(mutex_);
      if (threads_.empty()) return;
      stopping_ = true;
      next_ticket_ -= waiting_.size();  // the discarded jobs never get a turn
      waiting_.clear();
    }
    room_.notify_all();
    work_ready_.notify_all();
    delivered_.notify_all();
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      work_ready_.wait(lock, [&] { return stopping_ || !waiting_.empty(); });
      if (waiting_.empty()) return;  // stopping, nothing left to start
      auto [ticket, job] = std::move(waiting_.front());
      waiting_.pop_front();
      room_.notify_one();

      lock.unlock();
      Done done = work_(std::move(job));
      lock.lock();
      // Earlier tickets were all started before this one (FIFO), so they are
      // never discarded: the wait ends even while stopping.
      turn_.wait(lock, [&, t = ticket] { return next_turn_ == t; });
      lock.unlock();
      deliver_(std::move(done));
      lock.lock();
      ++next_turn_;
      turn_.notify_all();
      delivered_.notify_all();
    }
  }

  const std::size_t backlog_;
  Work work_;
  Deliver deliver_;
  std::mutex stop_mutex_;
  mutable std::mutex mutex_;
  std::condition_variable room_, work_ready_, turn_, delivered_;
  std::deque<std::pair<std::uint64_t, Job>> waiting_;  // (ticket, job), oldest first
  std::uint64_t next_ticket_ = 0;  // the ticket the next submitted job gets
  std::uint64_t next_turn_ = 0;    // the ticket whose deliver is next
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace netgear::pipeline
