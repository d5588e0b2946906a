#pragma once
// Where `netgear recv` puts the frames it receives: a window, a video file,
// numbered image files. The browser viewer is tools/viewer.

#include <cstdint>
#include <memory>
#include <string>

#include <opencv2/core/mat.hpp>

namespace netgear::tools {

/// What a sink did with a frame.
enum class Consumed {
  done,     ///< written or shown (or not wanted: --save-every)
  skipped,  ///< a frame it cannot write (zero-size, too wide for JPEG...): left out
  stop,     ///< the user wants the stream to stop (the window's 'q' or Esc)
};

/// One destination for received frames. Whatever a peer can legally send
/// (any shape, depth, channel count, zero-size) is written or skipped; it
/// never ends the stream.
class FrameSink {
 public:
  virtual ~FrameSink() = default;
  /// Takes frame number `index` (0-based). Throws netgear::Error when the
  /// destination itself fails (a video file OpenCV cannot open), naming it.
  virtual Consumed consume(const cv::Mat& frame, std::uint64_t index) = 0;
};

/// sink.consume(), with an OpenCV exception (a shape OpenCV cannot handle)
/// taken as skipped; the first such reason per sink is said on stderr.
Consumed consume_safely(FrameSink& sink, const cv::Mat& frame, std::uint64_t index);

/// True when a window can be shown (DISPLAY or WAYLAND_DISPLAY is set).
[[nodiscard]] bool display_available();

/// A window titled `title`. Throws netgear::Error if there is no display.
std::unique_ptr<FrameSink> open_window_sink(const std::string& title);

/// A video file (.avi: MJPG, .mp4: mp4v, .mkv: MJPG) at `fps`, sized by the
/// first frame; later frames of another size are resized to it. Throws
/// netgear::Error naming the file if the extension is not one of these, or
/// (at the first frame) if OpenCV cannot open it for writing.
std::unique_ptr<FrameSink> open_video_sink(const std::string& path, double fps);

/// One image per frame, `<dir>/frame_000001.<ext>` (ext: png, jpg, bmp,
/// tiff; png keeps every depth). `every`: keep one frame in `every`. Creates
/// the folder; throws netgear::Error naming it if it cannot.
std::unique_ptr<FrameSink> open_image_sink(const std::string& dir, const std::string& ext, std::uint64_t every);

}  // namespace netgear::tools
