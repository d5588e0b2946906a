#pragma once
/// \file
/// VideoSource: a threaded video source, vidgear's VideoGear/CamGear in C++.
///
/// A VideoSource reads frames on its own thread into a bounded queue, so the
/// caller's loop never waits on a slow decoder or camera more than it must.
/// A source is one of
///   - a video file ("clip.mp4"; an OpenCV image sequence "img_%03d.png"),
///   - a camera: an index ("0") or a device path ("/dev/video0", any existing
///     character device),
///   - a URL or stream OpenCV can open (anything with "://": "rtsp://...", "http://..."),
///   - the built-in synthetic test pattern ("test" = 640x480, "test:1280x720"):
///     a moving picture with the frame number drawn in it. ("./test" is a file.)
///
///   netgear::VideoSource stream("clip.mp4");
///   stream.start();
///   while (auto frame = stream.read()) server.send(*frame);   // nullopt at end
///   stream.stop();
///
/// Link netgear::video for this header (CMake: `target_link_libraries(app
/// netgear::video)`); it is the library that links OpenCV's videoio, and it
/// brings netgear::netgear with it. The rest of netgear (netgear::netgear)
/// does not link videoio.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <opencv2/core/mat.hpp>

#include "netgear/error.hpp"
#include "netgear/types.hpp"

// The public API: exported from libnetgear.so (symbols are hidden by default).
#pragma GCC visibility push(default)
namespace netgear {

/// A source cannot be opened or a source option is invalid. what() names the
/// source ("cannot open video file 'x.mp4': no such file").
class SourceError : public Error {
 public:
  using Error::Error;
};

/// What kind of source a spec names.
enum class SourceKind { file, camera, url, test_pattern };

/// How a VideoSource behaves; every field has a sensible default.
struct VideoSourceOptions {
  /// Frames the reader thread may hold ahead of read(); >= 1.
  std::size_t queue_size = 32;
  /// What a full queue does. Unset: `block` for files and the test pattern
  /// (every frame, in order, the reader is paced by read()), `latest_only` for
  /// cameras and URLs (read() never returns a stale frame).
  std::optional<OverflowPolicy> overflow;
  /// Cap on frames per second produced by the reader (> 0); unset = as fast
  /// as the source gives them (a file decodes as fast as it can, a camera at
  /// its rate). Frames are due on a fixed schedule (no drift); a reader held
  /// up for longer than a period restarts the schedule rather than bursting.
  /// The test pattern runs at `test_fps`, or at max_fps if that is lower.
  std::optional<double> max_fps;
  /// Files: play at the file's own frame rate (fps()), as a camera would
  /// deliver it, instead of decoding as fast as the reader is asked; max_fps
  /// still caps it. No effect on a file that states no rate, nor on cameras,
  /// URLs and the test pattern (they have their own pace).
  bool realtime = false;
  /// Files and a test pattern with test_frames > 0: start again at the end
  /// instead of ending (cameras and URLs have no end to loop from).
  bool loop = false;
  /// Test pattern: frames before end of stream (0 = endless) and nominal rate
  /// (0 = as fast as possible).
  std::uint64_t test_frames = 0;
  double test_fps = 30;
};

/// Counters of a VideoSource.
struct VideoSourceStats {
  std::uint64_t produced = 0;  ///< frames the reader thread got from the source
  std::uint64_t delivered = 0; ///< frames returned by read()
  std::uint64_t dropped = 0;   ///< frames the overflow policy discarded
};

/// A video source read on its own thread. Move-only; the destructor stops it,
/// and so does moving another source into it. A moved-from VideoSource is
/// empty: read() returns nullopt, ended() is true, spec() is "".
///
/// Thread-safety: read()/read_for() from one thread at a time; stop(), stats()
/// and the accessors from any thread. stop() wakes a blocked read().
class VideoSource {
 public:
  /// Opens `spec` (see the file comment). The source is opened here, so a
  /// missing file, an unknown camera or a bad test-pattern size throws
  /// SourceError naming it; so does an invalid option (queue_size 0,
  /// max_fps <= 0, test_fps < 0), naming the option. Reading starts with
  /// start(). (OpenCV itself may print warnings to stderr while it tries its
  /// backends on a source it cannot open.)
  explicit VideoSource(const std::string& spec, VideoSourceOptions options = {});
  ~VideoSource();
  VideoSource(VideoSource&&) noexcept;
  VideoSource& operator=(VideoSource&&) noexcept;
  VideoSource(const VideoSource&) = delete;
  VideoSource& operator=(const VideoSource&) = delete;

  /// Starts the reader thread. Idempotent; does nothing after stop() (a
  /// stopped source stays stopped). Returns *this for chaining (vidgear's
  /// `VideoGear(source=...).start()`). Throws std::system_error only if no
  /// thread can be created.
  VideoSource& start();
  /// Stops the reader thread and releases the source; queued frames are
  /// discarded, a blocked read() returns nullopt and ended() becomes true.
  /// Idempotent, never throws. Bounded in time: it waits at most 2 s for the
  /// reader; a reader stuck inside a driver call (a camera, a stalled
  /// stream) is left to finish that call and release the source itself.
  void stop() noexcept;

  /// The next frame (the newest, under latest_only), waiting for it; nullopt
  /// at end of stream (after every queued frame was returned) or after stop().
  /// Calls start() if it was not called. Every frame is its own buffer (8-bit
  /// BGR as OpenCV decodes it): keep it, or send it with copy=false, freely.
  [[nodiscard]] std::optional<cv::Mat> read();
  /// Like read() but waits at most `wait`; nullopt also when the wait passes
  /// (then ended() tells the two apart).
  [[nodiscard]] std::optional<cv::Mat> read_for(std::chrono::milliseconds wait);

  /// True once the source has no more frames to give and the queue is empty.
  [[nodiscard]] bool ended() const noexcept;

  [[nodiscard]] SourceKind kind() const noexcept;
  /// The spec it was opened with.
  [[nodiscard]] const std::string& spec() const noexcept;
  /// Frame size as the source reports it on opening (may be 0x0 for some
  /// streams until the first frame), then the size of the latest frame read
  /// from the source.
  [[nodiscard]] cv::Size frame_size() const noexcept;
  /// Nominal frames per second of the source (file/camera metadata, the test
  /// pattern's rate); 0 if unknown.
  [[nodiscard]] double fps() const noexcept;
  [[nodiscard]] VideoSourceStats stats() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The test pattern's frame `index` at the given size (8-bit BGR): a gradient
/// that moves every frame with "netgear #<index>" drawn in it. Deterministic:
/// same size and index, same pixels — a "test" VideoSource's frame i is
/// exactly test_pattern_frame(size, i). Cheap (the gradient is cached per
/// thread for the last size). Throws SourceError unless both sides are 1..16384.
cv::Mat test_pattern_frame(cv::Size size, std::uint64_t index);

}  // namespace netgear
#pragma GCC visibility pop
