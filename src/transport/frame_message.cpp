#include "transport/frame_message.hpp"

#include "transport/block_pool.hpp"
#include "wire/payload.hpp"

namespace netgear::transport {
namespace {

// What the zero-copy free function receives: the Mat reference that keeps the
// pixels alive, and who to tell when ZeroMQ lets go (from its I/O thread).
struct Hold {
  cv::Mat mat;
  std::shared_ptr<ReleaseTracker> tracker;

  static void* operator new(std::size_t) { return pool_for<Hold>().take(); }
  static void operator delete(void* block) noexcept { pool_for<Hold>().give(block); }
};

void release(void* /*data*/, void* hint) noexcept {
  auto* hold = static_cast<Hold*>(hint);
  if (hold->tracker) hold->tracker->mark_released();
  delete hold;
}

// A received message kept alive by the Mats over its bytes.
struct MessageHold final : wire::ForeignHold {
  explicit MessageHold(zmq::message_t&& m) : wire::ForeignHold(&destroy), message(std::move(m)) {}
  static void destroy(wire::ForeignHold* hold) noexcept { delete static_cast<MessageHold*>(hold); }

  static void* operator new(std::size_t) { return pool_for<MessageHold>().take(); }
  static void operator delete(void* block) noexcept { pool_for<MessageHold>().give(block); }

  zmq::message_t message;
};

}  // namespace

void ReleaseTracker::mark_released() {
  std::lock_guard lock(mutex_);
  released_ = true;
  changed_.notify_all();
}

void ReleaseTracker::cancel() {
  std::lock_guard lock(mutex_);
  cancelled_ = true;
  changed_.notify_all();
}

ReleaseTracker::Wait ReleaseTracker::wait_until(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  changed_.wait_until(lock, deadline, [&] { return released_ || cancelled_; });
  if (released_) return Wait::released;
  return cancelled_ ? Wait::cancelled : Wait::timed_out;
}

zmq::message_t frame_message(const Frame& frame, bool copy, std::shared_ptr<ReleaseTracker> tracker) {
  auto bytes = frame.bytes();
  if (copy || bytes.empty()) {
    if (tracker) tracker->mark_released();
    return zmq::message_t(bytes.data(), bytes.size());
  }
  std::unique_ptr<Hold> hold(new Hold{frame.mat(), std::move(tracker)});
  // ZeroMQ takes the buffer as non-const; it only reads it when sending.
  zmq::message_t message(const_cast<std::byte*>(bytes.data()), bytes.size(), &release, hold.get());
  hold.release();  // ZeroMQ's now: release() deletes it
  return message;
}

Frame frame_over_message(zmq::message_t&& message, std::span<const std::size_t> shape, Dtype dtype) {
  wire::ForeignHoldPtr hold(new MessageHold(std::move(message)));
  // The bytes' address once moved: a small message keeps them inside the zmq_msg_t.
  void* data = static_cast<MessageHold&>(*hold).message.data();
  return wire::frame_over(data, shape, dtype, std::move(hold));
}

}  // namespace netgear::transport
