#pragma once
// Frames and ZeroMQ messages, both ways without copying pixels: a frame's
// bytes as a message (copied, or lent with a reference to the Mat kept until
// ZeroMQ releases the buffer), and a received message's bytes as a frame.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <span>

#include <zmq.hpp>

#include "netgear/frame.hpp"

namespace netgear::transport {

/// Signalled when ZeroMQ releases a zero-copy buffer (the `track` option).
/// Thread-safe: ZeroMQ's I/O thread marks it released, the sending thread
/// waits, and a closing thread may cancel the wait.
class ReleaseTracker {
 public:
  enum class Wait { released, timed_out, cancelled };
  void mark_released();
  /// Ends every wait, present and future, that has not seen the release.
  void cancel();
  /// Waits until the buffer is released, cancel() is called or `deadline` passes.
  Wait wait_until(std::chrono::steady_clock::time_point deadline);

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool released_ = false;
  bool cancelled_ = false;
};

/// A message holding `frame.bytes()` (frame must be contiguous). copy=true
/// copies them; copy=false hands the Mat's buffer to ZeroMQ
/// (zmq_msg_init_data), which keeps a reference to the Mat until it is done
/// with it, then `tracker` (if any) is signalled. The reference lives in a
/// recycled block: no allocation of netgear's own in steady state.
zmq::message_t frame_message(const Frame& frame, bool copy, std::shared_ptr<ReleaseTracker> tracker = nullptr);

/// A Frame of `shape` and `dtype` over the message's bytes, without copying
/// (the caller checked the size, see wire::validate_raw). The message is kept,
/// in a recycled block, as long as any Mat refers to its bytes. The Frame's
/// own copy of the shape is the one allocation.
Frame frame_over_message(zmq::message_t&& message, std::span<const std::size_t> shape, Dtype dtype);

}  // namespace netgear::transport
