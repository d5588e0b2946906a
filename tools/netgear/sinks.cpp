#include "sinks.hpp"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>

#include <fmt/format.h>
#include <opencv2/highgui.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "commands.hpp"
#include <opencv2/videoio.hpp>

#include "netgear/error.hpp"
#include "viewer/display_image.hpp"

namespace netgear::tools {
namespace {

namespace fs = std::filesystem;

class WindowSink final : public FrameSink {
 public:
  explicit WindowSink(std::string title) : title_(std::move(title)) {
    cv::namedWindow(title_, cv::WINDOW_AUTOSIZE);
  }
  ~WindowSink() override { cv::destroyWindow(title_); }
  Consumed consume(const cv::Mat& frame, std::uint64_t) override {
    const cv::Mat shown = to_display_image(frame);
    if (!shown.empty()) cv::imshow(title_, shown);
    const int key = cv::waitKey(1) & 0xFF;  // also keeps the window responsive
    if (key == 'q' || key == 27) return Consumed::stop;
    return shown.empty() ? Consumed::skipped : Consumed::done;
  }

 private:
  std::string title_;
};

class VideoSink final : public FrameSink {
 public:
  VideoSink(std::string path, int fourcc, double fps) : path_(std::move(path)), fourcc_(fourcc), fps_(fps) {}
  Consumed consume(const cv::Mat& frame, std::uint64_t) override {
    cv::Mat shown = to_display_image(frame);
    if (shown.empty()) return Consumed::skipped;  // zero-size: nothing to write, not even the size
    if (!writer_.isOpened()) {
      size_ = shown.size();
      if (!writer_.open(path_, fourcc_, fps_, size_, /*isColor=*/true))
        throw Error(fmt::format("cannot write video file '{}': OpenCV could not open it for writing", path_));
    }
    if (shown.channels() == 1) cv::cvtColor(shown, shown, cv::COLOR_GRAY2BGR);
    if (shown.size() != size_) cv::resize(shown, shown, size_);
    writer_.write(shown);
    return Consumed::done;
  }

 private:
  std::string path_;
  int fourcc_;
  double fps_;
  cv::Size size_;
  cv::VideoWriter writer_;
};

class ImageSink final : public FrameSink {
 public:
  ImageSink(fs::path dir, std::string ext, std::uint64_t every) : dir_(std::move(dir)), ext_(std::move(ext)), every_(every) {}
  Consumed consume(const cv::Mat& frame, std::uint64_t index) override {
    if (index % every_ != 0) return Consumed::done;
    if (frame.empty()) return Consumed::skipped;
    // png and tiff keep 16-bit frames as they are; everything else is shown as 8-bit.
    const bool keeps_depth = (ext_ == "png" || ext_ == "tiff") && frame.dims <= 2 &&
                             (frame.depth() == CV_8U || frame.depth() == CV_16U) &&
                             (frame.channels() == 1 || frame.channels() == 3 || frame.channels() == 4);
    // Numbered from 0, as senders number their frames (the test pattern draws "netgear #0" first).
    const fs::path file = dir_ / fmt::format("frame_{:06}.{}", index, ext_);
    // A failed write is skipped, not fatal: the cause may be the frame (too
    // wide for JPEG); a folder that went away is said once by consume_safely.
    if (!cv::imwrite(file.string(), keeps_depth ? frame : to_display_image(frame)))
      throw cv::Exception(cv::Error::StsError, "cannot write image '" + file.string() + "'", "imwrite", __FILE__,
                          __LINE__);
    return Consumed::done;
  }

 private:
  fs::path dir_;
  std::string ext_;
  std::uint64_t every_;
};

}  // namespace

Consumed consume_safely(FrameSink& sink, const cv::Mat& frame, std::uint64_t index) {
  try {
    return sink.consume(frame, index);
  } catch (const cv::Exception& e) {
    // Once per sink: a peer sending odd frames must not flood the terminal.
    static thread_local std::set<const FrameSink*> told;
    if (told.insert(&sink).second)
      std::cerr << fmt::format("netgear recv: skipping frames a sink cannot write (first: frame {}, {}x{}, {} "
                               "channel(s): {})\n",
                               index, frame.rows, frame.cols, frame.channels(), e.err);
    return Consumed::skipped;
  }
}

bool display_available() {
  const char* x = std::getenv("DISPLAY");
  const char* wayland = std::getenv("WAYLAND_DISPLAY");
  return (x != nullptr && *x != '\0') || (wayland != nullptr && *wayland != '\0');
}

std::unique_ptr<FrameSink> open_window_sink(const std::string& title) {
  if (!display_available())
    throw Error("--show needs a display, and DISPLAY is not set: use --http PORT to watch in a browser, "
                "--write FILE or --save-dir DIR");
  return std::make_unique<WindowSink>(title);
}

std::unique_ptr<FrameSink> open_video_sink(const std::string& path, double fps) {
  const std::string ext = fs::path(path).extension().string();
  int fourcc = 0;
  if (ext == ".avi" || ext == ".mkv") fourcc = cv::VideoWriter::fourcc('M', 'J', 'P', 'G');
  else if (ext == ".mp4" || ext == ".m4v") fourcc = cv::VideoWriter::fourcc('m', 'p', '4', 'v');
  else throw UsageError(fmt::format("cannot write video file '{}': use a .avi, .mp4 or .mkv name", path));
  if (!(fps > 0)) throw UsageError(fmt::format("cannot write video file '{}': the frame rate must be > 0", path));
  return std::make_unique<VideoSink>(path, fourcc, fps);
}

std::unique_ptr<FrameSink> open_image_sink(const std::string& dir, const std::string& ext, std::uint64_t every) {
  if (ext != "png" && ext != "jpg" && ext != "bmp" && ext != "tiff")
    throw Error(fmt::format("cannot save frames as '{}': use png, jpg, bmp or tiff", ext));
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) throw Error(fmt::format("cannot create folder '{}': {}", dir, ec.message()));
  return std::make_unique<ImageSink>(dir, ext, every == 0 ? 1 : every);
}

}  // namespace netgear::tools
