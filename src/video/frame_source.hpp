#pragma once
// The one thing VideoSource's reader thread needs from a source: the next
// frame, and a way back to the start for `loop`. Implemented by a
// cv::VideoCapture wrapper (files, cameras, URLs) and by the test pattern.
// A FrameSource is used by one thread at a time.

#include <memory>
#include <string>

#include <opencv2/core/mat.hpp>

#include "netgear/video_source.hpp"

namespace netgear::video {

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  /// The next frame into `out` (a fresh buffer the caller may keep); false
  /// at end of stream or on a read error.
  virtual bool next(cv::Mat& out) = 0;
  /// Back to the first frame; false if the source cannot go back.
  virtual bool rewind() = 0;
  /// Frame size as reported on opening (0x0 if unknown).
  [[nodiscard]] virtual cv::Size size() const = 0;
  /// Nominal frames per second; 0 if unknown.
  [[nodiscard]] virtual double fps() const = 0;
};

/// A spec taken apart (see VideoSource): what it names and how to open it.
struct ParsedSpec {
  SourceKind kind = SourceKind::file;
  std::string target;          ///< file path or URL as given
  int camera_index = 0;        ///< SourceKind::camera from an index
  cv::Size test_size{640, 480};  ///< SourceKind::test_pattern
};

/// Parses a spec; throws SourceError naming it (bad test-pattern size, a
/// camera index out of range, an empty spec). Does not touch the filesystem
/// except to classify an existing character device ("/dev/video0") as a camera.
ParsedSpec parse_spec(const std::string& spec);

/// Opens what `parsed` names; throws SourceError naming `spec` if it cannot.
std::unique_ptr<FrameSource> open_source(const std::string& spec, const ParsedSpec& parsed,
                                         const VideoSourceOptions& options);

/// The test pattern as a FrameSource: frames 0, 1, ... (test_frames of them,
/// 0 = endless). Pacing is the reader's job, not the source's.
std::unique_ptr<FrameSource> make_test_pattern_source(cv::Size size, const VideoSourceOptions& options);

}  // namespace netgear::video
