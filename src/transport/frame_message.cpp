#include "transport/frame_message.hpp"

namespace netgear::transport {
namespace {

// What the zero-copy free function receives: the Mat reference that keeps the
// pixels alive, and who to tell when ZeroMQ lets go (from its I/O thread).
struct Hold {
  cv::Mat mat;
  std::shared_ptr<ReleaseTracker> tracker;
};

void release(void* /*data*/, void* hint) noexcept {
  auto* hold = static_cast<Hold*>(hint);
  if (hold->tracker) hold->tracker->mark_released();
  delete hold;
}

}  // namespace

void ReleaseTracker::mark_released() {
  std::lock_guard lock(mutex_);
  released_ = true;
  released_cv_.notify_all();
}

bool ReleaseTracker::wait_until(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return released_cv_.wait_until(lock, deadline, [&] { return released_; });
}

zmq::message_t frame_message(const Frame& frame, bool copy, std::shared_ptr<ReleaseTracker> tracker) {
  auto bytes = frame.bytes();
  if (copy || bytes.empty()) {
    if (tracker) tracker->mark_released();
    return zmq::message_t(bytes.data(), bytes.size());
  }
  auto* hold = new Hold{frame.mat(), std::move(tracker)};
  // ZeroMQ takes the buffer as non-const; it only reads it when sending.
  return zmq::message_t(const_cast<std::byte*>(bytes.data()), bytes.size(), &release, hold);
}

}  // namespace netgear::transport
