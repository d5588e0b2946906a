// Spec parsing and opening for VideoSource: which kind of source a string
// names, and the cv::VideoCapture wrapper for files, cameras and URLs.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <optional>
#include <string_view>
#include <system_error>
#include <utility>

#include <opencv2/core.hpp>
#include <opencv2/videoio.hpp>

#include "video/frame_source.hpp"

namespace netgear::video {
namespace {

constexpr int kMaxTestSide = 16384;

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "WIDTHxHEIGHT" with both sides in 1..kMaxTestSide, or nullopt.
std::optional<cv::Size> parse_size(std::string_view text) {
  const auto x = text.find('x');
  if (x == std::string_view::npos) return std::nullopt;
  const auto w_text = text.substr(0, x);
  const auto h_text = text.substr(x + 1);
  if (!all_digits(w_text) || !all_digits(h_text)) return std::nullopt;
  int w = 0;
  int h = 0;
  if (std::from_chars(w_text.data(), w_text.data() + w_text.size(), w).ec != std::errc{}) return std::nullopt;
  if (std::from_chars(h_text.data(), h_text.data() + h_text.size(), h).ec != std::errc{}) return std::nullopt;
  if (w < 1 || h < 1 || w > kMaxTestSide || h > kMaxTestSide) return std::nullopt;
  return cv::Size(w, h);
}

double sane_fps(double fps) { return std::isfinite(fps) && fps > 0 && fps < 10000 ? fps : 0.0; }

// Files, cameras and URLs through OpenCV. Files rewind for `loop`; the others
// are live and cannot.
class CaptureSource final : public FrameSource {
 public:
  CaptureSource(cv::VideoCapture capture, std::string rewind_target)
      : capture_(std::move(capture)), rewind_target_(std::move(rewind_target)) {
    size_ = cv::Size(static_cast<int>(capture_.get(cv::CAP_PROP_FRAME_WIDTH)),
                     static_cast<int>(capture_.get(cv::CAP_PROP_FRAME_HEIGHT)));
    fps_ = sane_fps(capture_.get(cv::CAP_PROP_FPS));
    backend_ = static_cast<int>(capture_.get(cv::CAP_PROP_BACKEND));
  }

  bool next(cv::Mat& out) override {
    try {
      return capture_.read(out) && !out.empty();
    } catch (const cv::Exception&) {
      return false;  // a backend that throws mid-stream ends the stream
    }
  }

  bool rewind() override {
    if (rewind_target_.empty()) return false;
    try {
      if (capture_.set(cv::CAP_PROP_POS_FRAMES, 0)) return true;
      // Some backends cannot seek: open the file again with the same backend.
      capture_.release();
      return capture_.open(rewind_target_, backend_ > 0 ? backend_ : cv::CAP_ANY);
    } catch (const cv::Exception&) {
      return false;
    }
  }

  [[nodiscard]] cv::Size size() const override { return size_; }
  [[nodiscard]] double fps() const override { return fps_; }

 private:
  cv::VideoCapture capture_;
  std::string rewind_target_;  // empty: live source
  cv::Size size_;
  double fps_ = 0;
  int backend_ = 0;
};

// Opens with OpenCV; an exception from a backend counts as "cannot open".
template <class Target>
cv::VideoCapture try_open(const Target& target) {
  cv::VideoCapture capture;
  try {
    capture.open(target, cv::CAP_ANY);
  } catch (const cv::Exception&) {
    capture.release();
  }
  return capture;
}

std::unique_ptr<FrameSource> open_file(const std::string& path) {
  namespace fs = std::filesystem;
  // "img_%03d.png" is an OpenCV image sequence, not a file that must exist.
  const bool sequence = path.find('%') != std::string::npos;
  std::error_code ec;
  if (!sequence && !fs::exists(path, ec)) {
    throw SourceError("cannot open video file '" + path + "': no such file");
  }
  if (!sequence && fs::is_directory(path, ec)) {
    throw SourceError("cannot open video file '" + path + "': it is a directory");
  }
  auto capture = try_open(path);
  if (!capture.isOpened()) {
    throw SourceError("cannot open video file '" + path + "': OpenCV cannot decode it");
  }
  return std::make_unique<CaptureSource>(std::move(capture), path);
}

}  // namespace

ParsedSpec parse_spec(const std::string& spec) {
  ParsedSpec parsed;
  parsed.target = spec;
  if (spec.empty()) {
    throw SourceError("empty video source: give a file, a camera index, a URL or 'test[:WIDTHxHEIGHT]'");
  }
  if (spec == "test" || spec.starts_with("test:")) {
    parsed.kind = SourceKind::test_pattern;
    if (spec.size() > 5) {
      auto size = parse_size(std::string_view(spec).substr(5));
      if (!size) {
        throw SourceError("bad test pattern size in '" + spec +
                          "': expected test:WIDTHxHEIGHT with sides 1.." + std::to_string(kMaxTestSide) +
                          ", e.g. test:1280x720");
      }
      parsed.test_size = *size;
    } else if (spec.size() == 5) {  // "test:"
      throw SourceError("bad test pattern size in '" + spec + "': expected test:WIDTHxHEIGHT, e.g. test:1280x720");
    }
    return parsed;
  }
  if (all_digits(spec)) {
    parsed.kind = SourceKind::camera;
    const auto result = std::from_chars(spec.data(), spec.data() + spec.size(), parsed.camera_index);
    if (result.ec != std::errc{} || parsed.camera_index > 9999) {
      throw SourceError("bad camera index '" + spec + "': expected 0..9999");
    }
    return parsed;
  }
  if (spec.find("://") != std::string::npos) {
    parsed.kind = SourceKind::url;
    return parsed;
  }
  std::error_code ec;
  parsed.kind = std::filesystem::is_character_file(spec, ec) ? SourceKind::camera : SourceKind::file;
  return parsed;
}

std::unique_ptr<FrameSource> open_source(const std::string& spec, const ParsedSpec& parsed,
                                         const VideoSourceOptions& options) {
  switch (parsed.kind) {
    case SourceKind::test_pattern:
      return make_test_pattern_source(parsed.test_size, options);
    case SourceKind::file:
      return open_file(parsed.target);
    case SourceKind::url: {
      auto capture = try_open(parsed.target);
      if (!capture.isOpened()) throw SourceError("cannot open stream '" + spec + "'");
      return std::make_unique<CaptureSource>(std::move(capture), std::string{});
    }
    case SourceKind::camera: {
      // A device path ("/dev/video0") opens by name, an index by number.
      auto capture = all_digits(spec) ? try_open(parsed.camera_index) : try_open(parsed.target);
      if (!capture.isOpened()) throw SourceError("cannot open camera '" + spec + "'");
      return std::make_unique<CaptureSource>(std::move(capture), std::string{});
    }
  }
  throw SourceError("unknown kind of video source '" + spec + "'");
}

}  // namespace netgear::video
