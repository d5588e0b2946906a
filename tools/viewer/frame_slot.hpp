#pragma once
// The latest JPEG of a stream: publish() hands frames over at a bounded rate,
// one encoder thread turns the newest into a JPEG, readers wait for a newer one.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <opencv2/core/mat.hpp>

namespace netgear::tools {

/// One encoded frame. `bytes` is null until the first frame is encoded;
/// `sequence` counts encoded frames (0 = none yet).
struct Jpeg {
  std::shared_ptr<const std::string> bytes;
  std::uint64_t sequence = 0;
};

/// Rate-gated JPEG encoding on a thread of its own.
///
/// Thread-safety: every member may be called from any thread.
class FrameSlot {
 public:
  /// Starts the encoder thread. `jpeg_quality` 1..100; `max_fps` and
  /// `idle_fps` are the rates publish() accepts frames at when watched / not
  /// watched (<= 0: every frame). Validation is the caller's.
  FrameSlot(int jpeg_quality, double max_fps, double idle_fps);
  /// close(), never throws.
  ~FrameSlot();
  FrameSlot(const FrameSlot&) = delete;
  FrameSlot& operator=(const FrameSlot&) = delete;

  /// Cheap: returns at once unless the frame is due by the rate, in which
  /// case it copies the pixels for the encoder (replacing a frame still waiting
  /// for it: the encoder always takes the newest). Never encodes, never waits
  /// on readers. Empty frames and frames after close() are ignored.
  void publish(const cv::Mat& frame, bool watched);

  /// The newest JPEG (bytes null if none yet).
  [[nodiscard]] Jpeg latest() const;

  /// Waits until a JPEG with a sequence above `after` exists or `timeout`
  /// passes, and returns the newest (its sequence equals `after` on timeout).
  /// Returns nullopt once close() was called.
  [[nodiscard]] std::optional<Jpeg> wait_newer(std::uint64_t after,
                                               std::chrono::milliseconds timeout) const;

  /// Stops the encoder thread and wakes every waiter. Idempotent, never throws.
  void close() noexcept;

 private:
  using clock = std::chrono::steady_clock;
  void encode_loop();

  const int jpeg_quality_;
  const clock::duration watched_interval_;
  const clock::duration idle_interval_;

  // Frames handed to the encoder (double buffer: pending_ <-> working_).
  std::mutex pending_mutex_;
  std::condition_variable pending_cv_;
  cv::Mat pending_;
  bool has_pending_ = false;
  clock::time_point last_slot_{};  // when the last accepted frame was due
  bool closed_ = false;

  // The encoded result.
  mutable std::mutex jpeg_mutex_;
  mutable std::condition_variable jpeg_cv_;
  Jpeg latest_;
  bool readers_closed_ = false;

  std::thread encoder_;
};

}  // namespace netgear::tools
