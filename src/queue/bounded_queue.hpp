#pragma once
// A bounded FIFO between the receiver's I/O thread (producer) and recv()
// (consumer), with a named overflow policy (netgear::OverflowPolicy) and a
// drop counter — in the spirit of spdlog's async queue. Blocking calls wait on
// condition variables; close() wakes every waiter.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>

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
      not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    }
    if (closed_ || finished_) return false;
    while (items_.size() >= capacity_) {
      items_.pop_front();
      ++dropped_;
    }
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }

  /// Takes the oldest item, waiting until one comes, the deadline passes
  /// (nullopt deadline: no limit) or the queue is finished/closed and empty.
  std::optional<T> pop(std::optional<Clock::time_point> deadline, PopStatus& status) {
    std::unique_lock lock(mutex_);
    auto ready = [&] { return !items_.empty() || finished_ || closed_; };
    if (deadline) {
      if (!not_empty_.wait_until(lock, *deadline, ready)) {
        status = PopStatus::timed_out;
        return std::nullopt;
      }
    } else {
      not_empty_.wait(lock, ready);
    }
    if (items_.empty()) {
      status = PopStatus::finished;
      return std::nullopt;
    }
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
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
    items_.clear();
    not_empty_.notify_all();
    not_full_.notify_all();
  }

  [[nodiscard]] std::size_t size() const {
    std::lock_guard lock(mutex_);
    return items_.size();
  }
  [[nodiscard]] std::uint64_t dropped() const {
    std::lock_guard lock(mutex_);
    return dropped_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<T> items_;
  const std::size_t capacity_;
  const OverflowPolicy policy_;
  std::uint64_t dropped_ = 0;
  bool finished_ = false;
  bool closed_ = false;
};

}  // namespace netgear::queue
