#pragma once
// A bounded FIFO between the receiver's I/O thread (producer) and recv()
// (consumer), with a named overflow policy (netgear::OverflowPolicy) and a
// drop counter — in the spirit of spdlog's async queue. Bounded by a count of
// items and, optionally, by the bytes they hold (each push says its size): a
// peer must not make a slow application's queue hold gigabytes. Blocking calls wait on
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
  /// max_bytes: the most bytes queued items may hold together (nullopt: no
  /// byte bound). An item larger than max_bytes is still taken into an empty
  /// queue, so that no item is too big to ever pass.
  BoundedQueue(std::size_t capacity, OverflowPolicy policy, std::optional<std::size_t> max_bytes = std::nullopt)
      : capacity_(policy == OverflowPolicy::latest_only ? 1 : (capacity ? capacity : 1)),
        max_bytes_(max_bytes),
        policy_(policy) {}

  /// Adds an item that holds `bytes`. block: waits until both bounds leave
  /// room (returns false if close() came first, the item is then discarded);
  /// drop_oldest / latest_only: evicts the oldest item(s) until it fits and
  /// counts them as dropped.
  bool push(T item, std::size_t bytes = 0) {
    std::unique_lock lock(mutex_);
    if (policy_ == OverflowPolicy::block) {
      not_full_.wait(lock, [&] { return closed_ || fits(bytes); });
    }
    if (closed_ || finished_) return false;
    while (!fits(bytes)) {
      (void)take_oldest();
      ++dropped_;
    }
    if (count_ == slots_.size()) grow();
    Slot& s = slot(count_);
    s.item.emplace(std::move(item));
    s.bytes = bytes;
    bytes_ += bytes;
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
    for (auto& s : slots_) s.item.reset();
    head_ = count_ = bytes_ = 0;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

  /// True once pop() can return nothing more: finished or closed, and empty.
  [[nodiscard]] bool exhausted() const {
    std::lock_guard lock(mutex_);
    return (finished_ || closed_) && count_ == 0;
  }

  [[nodiscard]] std::size_t size() const {
    std::lock_guard lock(mutex_);
    return count_;
  }
  /// Bytes the queued items hold (as their push() said).
  [[nodiscard]] std::size_t bytes() const {
    std::lock_guard lock(mutex_);
    return bytes_;
  }
  [[nodiscard]] std::uint64_t dropped() const {
    std::lock_guard lock(mutex_);
    return dropped_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  struct Slot {
    std::optional<T> item;
    std::size_t bytes = 0;  // as push() said
  };
  std::vector<Slot> slots_;  // the ring; grown up to capacity_, never shrunk
  std::size_t head_ = 0;     // slot of the oldest item
  std::size_t count_ = 0;    // items queued
  std::size_t bytes_ = 0;    // bytes the queued items hold
  const std::size_t capacity_;
  const std::optional<std::size_t> max_bytes_;
  const OverflowPolicy policy_;
  std::uint64_t dropped_ = 0;
  bool finished_ = false;
  bool closed_ = false;

  // Whether an item of `bytes` can join now without passing a bound (mutex_
  // held). An empty queue takes any item.
  [[nodiscard]] bool fits(std::size_t bytes) const {
    if (count_ >= capacity_) return false;
    return count_ == 0 || !max_bytes_ || bytes <= *max_bytes_ - std::min(*max_bytes_, bytes_);
  }

  // The i-th oldest item's slot (mutex_ held).
  Slot& slot(std::size_t i) { return slots_[(head_ + i) % slots_.size()]; }

  // Removes and returns the oldest item (mutex_ held, count_ > 0).
  T take_oldest() {
    Slot& s = slots_[head_];
    T item = std::move(*s.item);
    s.item.reset();
    bytes_ -= s.bytes;
    head_ = (head_ + 1) % slots_.size();
    --count_;
    return item;
  }

  // Doubles the ring (up to capacity_), the items in order from slot 0.
  void grow() {
    std::vector<Slot> bigger(std::min(capacity_, std::max<std::size_t>(4, 2 * slots_.size())));
    for (std::size_t i = 0; i < count_; ++i) bigger[i] = std::move(slot(i));
    slots_ = std::move(bigger);
    head_ = 0;
  }
};

}  // namespace netgear::queue
