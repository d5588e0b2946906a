#pragma once
// A bounded FIFO between the receiver's I/O thread (producer) and recv()
// (consumer), with a named overflow policy (netgear::OverflowPolicy) and a
// drop counter — in the spirit of spdlog's async queue. Blocking calls wait on
// condition variables; close() wakes every waiter. Items live in a ring of
// slots that grows up to the capacity and is then reused: in steady state
// neither push nor pop allocates.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "netgear/types.hpp"

namespace netgear::queue {

enum class PopStatus { item, timed_out, finished };

template <class T>
class BoundedQueue {
 public:
  using Clock = std::chrono::steady_clock;

  /// capacity >= 1; latest_only keeps at most one item whatever the capacity.
  BoundedQueue(std::size_t capacity, OverflowPolicy policy)
      : capacity_(policy == OverflowPolicy::latest_only ? 1 : (capacity ? capacity : 1)), policy_(policy) {}

  /// Adds an item. block: waits for room (returns false if close() came
  /// first, the item is then discarded); drop_oldest / latest_only: evicts the
  /// oldest item(s) to make room and counts them as dropped.
  bool push(T item) {
    std::unique_lock lock(mutex_);
    if (policy_ == OverflowPolicy::block) {
      not_full_.wait(lock, [&] { return closed_ || count_ < capacity_; });
    }
    if (closed_ || finished_) return false;
    while (count_ >= capacity_) {
      (void)take_oldest();
      ++dropped_;
    }
    if (count_ == slots_.size()) grow();
    slot(count_).emplace(std::move(item));
    ++count_;
    // Notified after unlocking: the woken pop() then finds the mutex free
    // instead of going back to sleep on it (a second futex wait and wake).
    lock.unlock();
    not_empty_.notify_one();
    return true;
  }

  /// Takes the oldest item, waiting until one comes, the deadline passes
  /// (nullopt deadline: no limit) or the queue is finished/closed and empty.
  std::optional<T> pop(std::optional<Clock::time_point> deadline, PopStatus& status) {
    std::unique_lock lock(mutex_);
    auto ready = [&] { return count_ > 0 || finished_ || closed_; };
    if (deadline) {
      if (!not_empty_.wait_until(lock, *deadline, ready)) {
        status = PopStatus::timed_out;
        return std::nullopt;
      }
    } else {
      not_empty_.wait(lock, ready);
    }
    if (count_ == 0) {
      status = PopStatus::finished;
      return std::nullopt;
    }
    T item = take_oldest();
    lock.unlock();
    not_full_.notify_one();  // after unlocking, as in push()
    status = PopStatus::item;
    return item;
  }

  /// No more items will come: pop() drains what is queued, then reports finished.
  void finish() {
    std::lock_guard lock(mutex_);
    finished_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

  /// Discards every item and wakes every waiter; push() and pop() return at once from now on.
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    for (auto& s : slots_) s.reset();
    head_ = count_ = 0;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

  [[nodiscard]] std::size_t size() const {
    std::lock_guard lock(mutex_);
    return count_;
  }
  [[nodiscard]] std::uint64_t dropped() const {
    std::lock_guard lock(mutex_);
    return dropped_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::vector<std::optional<T>> slots_;  // the ring; grown up to capacity_, never shrunk
  std::size_t head_ = 0;                 // slot of the oldest item
  std::size_t count_ = 0;                // items queued
  const std::size_t capacity_;
  const OverflowPolicy policy_;
  std::uint64_t dropped_ = 0;
  bool finished_ = false;
  bool closed_ = false;

  // The i-th oldest item's slot (mutex_ held).
  std::optional<T>& slot(std::size_t i) { return slots_[(head_ + i) % slots_.size()]; }

  // Removes and returns the oldest item (mutex_ held, count_ > 0).
  T take_oldest() {
    T item = std::move(*slots_[head_]);
    slots_[head_].reset();
    head_ = (head_ + 1) % slots_.size();
    --count_;
    return item;
  }

  // Doubles the ring (up to capacity_), the items in order from slot 0.
  void grow() {
    std::vector<std::optional<T>> bigger(std::min(capacity_, std::max<std::size_t>(4, 2 * slots_.size())));
    for (std::size_t i = 0; i < count_; ++i) bigger[i] = std::move(slot(i));
    slots_ = std::move(bigger);
    head_ = 0;
  }
};

}  // namespace netgear::queue
