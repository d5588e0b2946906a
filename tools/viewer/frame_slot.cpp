#include "viewer/frame_slot.hpp"

#include <utility>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "viewer/display_image.hpp"

namespace netgear::tools {
namespace {

std::chrono::steady_clock::duration interval_of(double fps) {
  if (fps <= 0) return std::chrono::steady_clock::duration::zero();
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(1.0 / fps));
}

}  // namespace

FrameSlot::FrameSlot(int jpeg_quality, double max_fps, double idle_fps)
    : jpeg_quality_(jpeg_quality),
      watched_interval_(interval_of(max_fps)),
      idle_interval_(interval_of(idle_fps)),
      encoder_([this] { encode_loop(); }) {}

FrameSlot::~FrameSlot() { close(); }

void FrameSlot::publish(const cv::Mat& frame, bool watched) {
  if (frame.empty()) return;
  const auto now = clock::now();
  {
    std::lock_guard lock(pending_mutex_);
    // The interval is taken now, so a first viewer gets max_fps at once.
    const auto interval = watched ? watched_interval_ : idle_interval_;
    const auto due = last_slot_ + interval;
    if (closed_ || now < due) return;
    // Keep the cadence (slots at due times) so jitter does not lower the
    // rate, but let no long pause bank a burst of due frames.
    last_slot_ = now - due < interval ? due : now;
    frame.copyTo(pending_);  // the caller may reuse its buffer; reuses ours when it can
    has_pending_ = true;
  }
  pending_cv_.notify_one();
}

Jpeg FrameSlot::latest() const {
  std::lock_guard lock(jpeg_mutex_);
  return latest_;
}

std::optional<Jpeg> FrameSlot::wait_newer(std::uint64_t after,
                                          std::chrono::milliseconds timeout) const {
  std::unique_lock lock(jpeg_mutex_);
  jpeg_cv_.wait_for(lock, timeout,
                    [&] { return readers_closed_ || latest_.sequence > after; });
  if (readers_closed_) return std::nullopt;
  return latest_;
}

void FrameSlot::close() noexcept {
  {
    std::lock_guard lock(pending_mutex_);
    closed_ = true;
  }
  pending_cv_.notify_all();
  {
    std::lock_guard lock(jpeg_mutex_);
    readers_closed_ = true;
  }
  jpeg_cv_.notify_all();
  if (encoder_.joinable() && encoder_.get_id() != std::this_thread::get_id()) encoder_.join();
}

void FrameSlot::encode_loop() {
  cv::Mat working;
  std::vector<uchar> buffer;
  const std::vector<int> params{cv::IMWRITE_JPEG_QUALITY, jpeg_quality_};
  for (;;) {
    {
      std::unique_lock lock(pending_mutex_);
      pending_cv_.wait(lock, [&] { return closed_ || has_pending_; });
      if (closed_) return;
      std::swap(pending_, working);  // publish() now fills the other buffer
      has_pending_ = false;
    }
    try {
      const cv::Mat image = to_display_image(working);
      if (image.empty() || !cv::imencode(".jpg", image, buffer, params)) continue;
    } catch (const cv::Exception&) {
      continue;  // e.g. a frame wider than JPEG allows: nothing to show, keep streaming
    }
    auto bytes = std::make_shared<const std::string>(buffer.begin(), buffer.end());
    {
      std::lock_guard lock(jpeg_mutex_);
      latest_.bytes = std::move(bytes);
      ++latest_.sequence;
    }
    jpeg_cv_.notify_all();
  }
}

}  // namespace netgear::tools
