// The synthetic test pattern: a colour gradient that slides sideways a few
// pixels per frame with "netgear #<n>" drawn over it. The gradient is computed
// once per size (periodic in x, stored twice side by side), so a frame is one
// copy of a shifted window plus the text: cheap enough for any frame rate.
#include <cmath>
#include <numbers>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "video/frame_source.hpp"

namespace netgear::video {
namespace {

constexpr int kMaxSide = 16384;

class TestPattern {
 public:
  explicit TestPattern(cv::Size size) : size_(size) {
    if (size.width < 1 || size.height < 1 || size.width > kMaxSide || size.height > kMaxSide) {
      throw SourceError("bad test pattern size " + std::to_string(size.width) + "x" + std::to_string(size.height) +
                        ": sides must be 1.." + std::to_string(kMaxSide));
    }
    cv::Mat base = gradient(size);
    cv::hconcat(base, base, strip_);
    step_ = std::max(1, size.width / 128);
    font_scale_ = std::max(0.35, size.height / 480.0 * 1.6);
    thickness_ = std::max(1, static_cast<int>(std::lround(font_scale_ * 2)));
    origin_ = cv::Point(size.width / 20, size.height / 2 + static_cast<int>(font_scale_ * 11));
  }

  [[nodiscard]] cv::Size size() const { return size_; }

  [[nodiscard]] cv::Mat render(std::uint64_t index) const {
    const auto offset = static_cast<int>((index * static_cast<std::uint64_t>(step_)) %
                                         static_cast<std::uint64_t>(size_.width));
    cv::Mat frame;
    strip_(cv::Rect(offset, 0, size_.width, size_.height)).copyTo(frame);
    const std::string text = "netgear #" + std::to_string(index);
    // Dark outline under white text: readable on every part of the gradient.
    // LINE_8, not LINE_AA: anti-aliased thick strokes cost 5x the whole frame.
    cv::putText(frame, text, origin_, cv::FONT_HERSHEY_SIMPLEX, font_scale_, cv::Scalar(0, 0, 0),
                thickness_ + 3, cv::LINE_8);
    cv::putText(frame, text, origin_, cv::FONT_HERSHEY_SIMPLEX, font_scale_, cv::Scalar(255, 255, 255),
                thickness_, cv::LINE_8);
    return frame;
  }

 private:
  // B varies with x, G with y, R along the diagonal; B and R have period
  // `width` in x so the doubled strip joins seamlessly.
  static cv::Mat gradient(cv::Size size) {
    const double two_pi = 2 * std::numbers::pi;
    std::vector<double> sin_x(size.width), cos_x(size.width), sin_y(size.height), cos_y(size.height);
    for (int x = 0; x < size.width; ++x) {
      sin_x[x] = std::sin(two_pi * x / size.width);
      cos_x[x] = std::cos(two_pi * x / size.width);
    }
    for (int y = 0; y < size.height; ++y) {
      sin_y[y] = std::sin(two_pi * y / size.height);
      cos_y[y] = std::cos(two_pi * y / size.height);
    }
    cv::Mat base(size, CV_8UC3);
    for (int y = 0; y < size.height; ++y) {
      auto* row = base.ptr<cv::Vec3b>(y);
      const auto green = cv::saturate_cast<uchar>(size.height > 1 ? 255.0 * y / (size.height - 1) : 0.0);
      for (int x = 0; x < size.width; ++x) {
        const double diagonal = cos_x[x] * cos_y[y] - sin_x[x] * sin_y[y];  // cos(2pi(x/w + y/h))
        row[x] = cv::Vec3b(cv::saturate_cast<uchar>(127.5 + 127.5 * sin_x[x]), green,
                           cv::saturate_cast<uchar>(127.5 + 127.5 * diagonal));
      }
    }
    return base;
  }

  cv::Size size_;
  cv::Mat strip_;  // the gradient twice, side by side
  int step_ = 1;   // pixels the gradient moves per frame
  double font_scale_ = 1;
  int thickness_ = 1;
  cv::Point origin_;
};

class TestPatternSource final : public FrameSource {
 public:
  TestPatternSource(cv::Size size, std::uint64_t frames, double fps) : pattern_(size), frames_(frames), fps_(fps) {}

  bool next(cv::Mat& out) override {
    if (frames_ != 0 && next_ >= frames_) return false;
    out = pattern_.render(next_++);
    return true;
  }
  bool rewind() override {
    next_ = 0;
    return true;
  }
  [[nodiscard]] cv::Size size() const override { return pattern_.size(); }
  [[nodiscard]] double fps() const override { return fps_; }

 private:
  TestPattern pattern_;
  std::uint64_t frames_;  // 0 = endless
  double fps_;
  std::uint64_t next_ = 0;
};

}  // namespace

std::unique_ptr<FrameSource> make_test_pattern_source(cv::Size size, const VideoSourceOptions& options) {
  return std::make_unique<TestPatternSource>(size, options.test_frames, options.test_fps);
}

}  // namespace netgear::video

namespace netgear {

cv::Mat test_pattern_frame(cv::Size size, std::uint64_t index) {
  // The gradient is the costly part: keep the last one per thread.
  thread_local std::optional<video::TestPattern> cached;
  if (!cached || cached->size() != size) cached.emplace(size);
  return cached->render(index);
}

}  // namespace netgear
