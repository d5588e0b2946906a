#pragma once
// Turning a frame's bytes into a ZeroMQ message: copied, or zero-copy with a
// reference to the Mat kept alive until ZeroMQ releases the buffer.

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

#include <zmq.hpp>

#include "netgear/frame.hpp"

namespace netgear::transport {

/// Signalled when ZeroMQ releases a zero-copy buffer (the `track` option).
class ReleaseTracker {
 public:
  void mark_released();
  /// True if released before `deadline`.
  bool wait_until(std::chrono::steady_clock::time_point deadline);

 private:
  std::mutex mutex_;
  std::condition_variable released_cv_;
  bool released_ = false;
};

/// A message holding `frame.bytes()` (frame must be contiguous). copy=true
/// copies them; copy=false shares the Mat's buffer, which stays referenced
/// until ZeroMQ is done with it, then `tracker` (if any) is signalled.
zmq::message_t frame_message(const Frame& frame, bool copy, std::shared_ptr<ReleaseTracker> tracker = nullptr);

}  // namespace netgear::transport
