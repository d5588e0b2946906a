// VideoSource: files (made here with cv::VideoWriter), the test pattern, bad
// specs, pacing, overflow policies, stop() from another thread, moves.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <future>
#include <optional>
#include <thread>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/videoio.hpp>

#include "netgear/video_source.hpp"
#include "support/test_support.hpp"

namespace netgear {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using test::eventually;
using test::error_text;
using test::TempDir;

const cv::Size kClipSize(160, 120);

// Frame i of a clip is flat grey 10 + 8 i: it survives MJPEG, and
// clip_index() reads it back from any decoded frame.
std::string write_clip(const TempDir& dir, int frames, const std::string& name = "clip.avi") {
  const std::string path = (dir.path() / name).string();
  cv::VideoWriter writer(path, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 25, kClipSize);
  if (!writer.isOpened()) throw std::runtime_error("this OpenCV cannot write MJPG .avi");
  for (int i = 0; i < frames; ++i) writer.write(cv::Mat(kClipSize, CV_8UC3, cv::Scalar::all(10 + 8 * i)));
  return path;
}

int clip_index(const cv::Mat& frame) { return static_cast<int>(std::lround((cv::mean(frame)[0] - 10) / 8)); }

bool same_pixels(const cv::Mat& a, const cv::Mat& b) {
  return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

// The what() of the SourceError `f` throws, or "" if it throws none.
template <class F>
std::string source_error(F f) {
  return error_text<SourceError>(f);
}

// Reads `source` to its end: how many frames it gave and how long that took.
struct ReadAll {
  int frames = 0;
  double seconds = 0;
};
ReadAll read_all(VideoSource& source) {
  const auto begin = Clock::now();
  ReadAll result;
  while (source.read()) ++result.frames;
  result.seconds = std::chrono::duration<double>(Clock::now() - begin).count();
  return result;
}

VideoSourceOptions unpaced_test(std::uint64_t frames) {
  VideoSourceOptions o;
  o.test_frames = frames;
  o.test_fps = 0;
  return o;
}

// -- files --------------------------------------------------------------------

TEST(VideoSourceFile, YieldsEveryFrameInOrderThenEnds) {
  TempDir dir;
  const auto path = write_clip(dir, 12);
  VideoSource source(path);
  EXPECT_EQ(source.kind(), SourceKind::file);
  EXPECT_EQ(source.spec(), path);
  EXPECT_EQ(source.frame_size(), kClipSize);
  EXPECT_DOUBLE_EQ(source.fps(), 25);
  source.start();
  for (int i = 0; i < 12; ++i) {
    auto frame = source.read();
    ASSERT_TRUE(frame) << "frame " << i;
    EXPECT_EQ(frame->size(), kClipSize);
    EXPECT_EQ(clip_index(*frame), i);
  }
  EXPECT_FALSE(source.read());
  EXPECT_TRUE(source.ended());
  EXPECT_FALSE(source.read()) << "stays ended";
  const auto stats = source.stats();
  EXPECT_EQ(stats.produced, 12u);
  EXPECT_EQ(stats.delivered, 12u);
  EXPECT_EQ(stats.dropped, 0u);
}

TEST(VideoSourceFile, LoopStartsAgainAtTheEnd) {
  TempDir dir;
  const auto path = write_clip(dir, 5);
  VideoSourceOptions options;
  options.loop = true;
  VideoSource source(path, options);
  for (int i = 0; i < 17; ++i) {
    auto frame = source.read_for(5s);
    ASSERT_TRUE(frame) << "frame " << i;
    EXPECT_EQ(clip_index(*frame), i % 5) << "frame " << i;
  }
  EXPECT_FALSE(source.ended());
  source.stop();
  EXPECT_TRUE(source.ended());
  EXPECT_FALSE(source.read());
}

// Pacing of a 25 fps clip: every frame arrives, and no faster than the rate
// allows (a lower bound on the time only: the machines are noisy).
struct Pacing {
  const char* name;
  int frames;
  bool realtime;
  std::optional<double> max_fps;
  double min_seconds;  // frames - 1 periods, less a little for the clock
};

void PrintTo(const Pacing& p, std::ostream* os) { *os << p.name; }

class VideoSourceFilePacing : public ::testing::TestWithParam<Pacing> {};

TEST_P(VideoSourceFilePacing, EveryFrameNoFasterThanTheRate) {
  const Pacing& p = GetParam();
  TempDir dir;
  const auto path = write_clip(dir, p.frames);
  VideoSourceOptions options;
  options.realtime = p.realtime;
  options.max_fps = p.max_fps;
  VideoSource source(path, options);
  const auto read = read_all(source);
  EXPECT_EQ(read.frames, p.frames);
  EXPECT_GE(read.seconds, p.min_seconds);
}

INSTANTIATE_TEST_SUITE_P(
    Rates, VideoSourceFilePacing,
    ::testing::Values(Pacing{"MaxFpsCapsTheRate", 20, false, 50, 0.35},            // 19 periods of 20 ms
                      Pacing{"RealtimePlaysAtTheFilesOwnRate", 10, true, {}, 0.34}, // 9 periods of 40 ms
                      Pacing{"MaxFpsCapsARealtimeFile", 6, true, 10, 0.48}),        // 5 periods of 100 ms
    [](const ::testing::TestParamInfo<Pacing>& param_info) { return std::string(param_info.param.name); });

TEST(VideoSourceFile, LatestOnlyGivesTheNewestFrameToASlowReader) {
  TempDir dir;
  const auto path = write_clip(dir, 25);
  VideoSourceOptions options;
  options.overflow = OverflowPolicy::latest_only;
  VideoSource source(path, options);
  auto first = source.read();
  ASSERT_TRUE(first);
  // The reader decodes the rest while we do not read (it may even have
  // finished before the first read() woke up: then `first` is the last frame).
  ASSERT_TRUE(eventually([&] { return source.stats().produced == 25; }, 5s));
  std::vector<int> seen{clip_index(*first)};
  while (auto frame = source.read()) seen.push_back(clip_index(*frame));
  EXPECT_LE(seen.size(), 2u) << "a stale frame was kept";
  EXPECT_EQ(seen.back(), 24) << "the newest frame is the one read()";
  if (seen.size() == 2) {
    EXPECT_LT(seen[0], seen[1]);
  }
  EXPECT_TRUE(source.ended());
  const auto stats = source.stats();
  EXPECT_GE(stats.dropped, 23u);
  EXPECT_EQ(stats.delivered + stats.dropped, 25u);
}

// -- the test pattern -----------------------------------------------------------

TEST(VideoSourceTestPattern, GivesTestFramesMovingFramesThenEnds) {
  VideoSource source("test:320x240", unpaced_test(6));
  EXPECT_EQ(source.kind(), SourceKind::test_pattern);
  EXPECT_EQ(source.frame_size(), cv::Size(320, 240));
  cv::Mat previous;
  for (std::uint64_t i = 0; i < 6; ++i) {
    auto frame = source.read();
    ASSERT_TRUE(frame) << "frame " << i;
    EXPECT_EQ(frame->size(), cv::Size(320, 240));
    EXPECT_EQ(frame->type(), CV_8UC3);
    EXPECT_TRUE(same_pixels(*frame, test_pattern_frame({320, 240}, i))) << "frame " << i;
    if (!previous.empty()) {
      EXPECT_FALSE(same_pixels(*frame, previous)) << "frame " << i << " did not change";
    }
    previous = *frame;
  }
  EXPECT_FALSE(source.read());
  EXPECT_TRUE(source.ended());
}

TEST(VideoSourceTestPattern, DefaultsTo640x480At30Fps) {
  VideoSource source("test");
  EXPECT_EQ(source.frame_size(), cv::Size(640, 480));
  EXPECT_DOUBLE_EQ(source.fps(), 30);
  auto frame = source.read_for(5s);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->size(), cv::Size(640, 480));
}

TEST(VideoSourceTestPattern, FramesAreDeterministic) {
  const cv::Size size(200, 100);
  EXPECT_TRUE(same_pixels(test_pattern_frame(size, 7), test_pattern_frame(size, 7)));
  EXPECT_TRUE(same_pixels(test_pattern_frame(size, 7), test_pattern_frame(size, 7).clone()));
  EXPECT_FALSE(same_pixels(test_pattern_frame(size, 7), test_pattern_frame(size, 8)));
  // Another size in between must not disturb the first one's frames.
  const cv::Mat before = test_pattern_frame(size, 3);
  (void)test_pattern_frame({64, 48}, 3);
  EXPECT_TRUE(same_pixels(before, test_pattern_frame(size, 3)));
  EXPECT_EQ(test_pattern_frame({64, 48}, 0).size(), cv::Size(64, 48));
  EXPECT_THROW((void)test_pattern_frame({0, 10}, 0), SourceError);
}

TEST(VideoSourceTestPattern, LoopRepeatsTestFrames) {
  auto options = unpaced_test(3);
  options.loop = true;
  VideoSource source("test:64x48", options);
  for (std::uint64_t i = 0; i < 8; ++i) {
    auto frame = source.read_for(5s);
    ASSERT_TRUE(frame);
    EXPECT_TRUE(same_pixels(*frame, test_pattern_frame({64, 48}, i % 3))) << "frame " << i;
  }
}

TEST(VideoSourceTestPattern, MaxFpsCapsAnUnpacedPattern) {
  auto options = unpaced_test(20);
  options.max_fps = 50;
  VideoSource source("test:64x48", options);
  const auto read = read_all(source);
  EXPECT_EQ(read.frames, 20);
  EXPECT_GE(read.seconds, 0.35);
}

TEST(VideoSourceTestPattern, ReadWithoutStartStartsTheReader) {
  VideoSource source("test:32x32", unpaced_test(3));
  int count = 0;
  while (source.read()) ++count;
  EXPECT_EQ(count, 3);
  EXPECT_EQ(source.stats().delivered, 3u);
}

TEST(VideoSourceTestPattern, ReadForTimesOutWithoutEnding) {
  VideoSourceOptions options;
  options.test_fps = 0.1;  // the second frame is 10 s away
  VideoSource source("test:32x32", options);
  ASSERT_TRUE(source.read_for(5s));
  EXPECT_FALSE(source.read_for(50ms));
  EXPECT_FALSE(source.ended());
}

// -- bad specs and options ----------------------------------------------------------

TEST(VideoSourceSpec, MissingFileNamesIt) {
  TempDir dir;
  const auto path = (dir.path() / "nope.mp4").string();
  const auto what = source_error([&] { VideoSource source(path); });
  EXPECT_NE(what.find("cannot open video file '" + path + "': no such file"), std::string::npos) << what;
}

TEST(VideoSourceSpec, UndecodableFileNamesIt) {
  TempDir dir;
  const auto path = (dir.path() / "garbage.avi").string();
  {
    std::ofstream out(path);
    for (int i = 0; i < 2000; ++i) out << "not a video " << i << '\n';
  }
  const auto what = source_error([&] { VideoSource source(path); });
  EXPECT_NE(what.find("'" + path + "'"), std::string::npos) << what;
  EXPECT_NE(what.find("cannot"), std::string::npos) << what;
}

TEST(VideoSourceSpec, BadTestPatternSizesNameTheSpec) {
  for (const std::string spec : {"test:0x5", "test:abc", "test:", "test:640x", "test:x480", "test:-1x5",
                                 "test:640x480x3", "test:99999x10"}) {
    const auto what = source_error([&] { VideoSource source(spec); });
    EXPECT_NE(what.find("'" + spec + "'"), std::string::npos) << spec << ": " << what;
  }
}

TEST(VideoSourceSpec, CameraThatCannotOpenNamesTheIndex) {
  const auto what = source_error([] { VideoSource source("97"); });
  EXPECT_NE(what.find("camera '97'"), std::string::npos) << what;
}

TEST(VideoSourceSpec, UnreachableUrlNamesIt) {
  const std::string url = "http://127.0.0.1:1/stream.mjpg";  // port 1: connection refused
  const auto what = source_error([&] { VideoSource source(url); });
  EXPECT_NE(what.find("'" + url + "'"), std::string::npos) << what;
}

TEST(VideoSourceSpec, BadOptionsNameTheOption) {
  VideoSourceOptions zero_queue;
  zero_queue.queue_size = 0;
  EXPECT_NE(source_error([&] { VideoSource s("test", zero_queue); }).find("queue_size"), std::string::npos);
  VideoSourceOptions zero_fps;
  zero_fps.max_fps = 0;
  EXPECT_NE(source_error([&] { VideoSource s("test", zero_fps); }).find("max_fps"), std::string::npos);
  VideoSourceOptions negative_test_fps;
  negative_test_fps.test_fps = -1;
  EXPECT_NE(source_error([&] { VideoSource s("test", negative_test_fps); }).find("test_fps"), std::string::npos);
  EXPECT_FALSE(source_error([] { VideoSource s(""); }).empty());
}

// -- threads and ownership ---------------------------------------------------------

TEST(VideoSourceThreading, StopFromAnotherThreadWakesABlockedRead) {
  VideoSourceOptions options;
  options.test_fps = 0.1;  // one frame now, the next in 10 s
  VideoSource source("test:32x32", options);
  ASSERT_TRUE(source.read_for(5s));
  auto blocked = std::async(std::launch::async, [&] { return source.read(); });
  ASSERT_EQ(blocked.wait_for(100ms), std::future_status::timeout) << "read() should be waiting";
  auto stopper = std::async(std::launch::async, [&] { source.stop(); });
  ASSERT_EQ(blocked.wait_for(5s), std::future_status::ready) << "stop() did not wake read()";
  EXPECT_FALSE(blocked.get());
  ASSERT_EQ(stopper.wait_for(5s), std::future_status::ready) << "stop() did not return";
  EXPECT_TRUE(source.ended());
  source.stop();  // idempotent
  EXPECT_FALSE(source.read());
  source.start();  // no restart after stop()
  EXPECT_FALSE(source.read_for(50ms));
}

TEST(VideoSourceThreading, StopReturnsWhileTheReaderWaitsForRoom) {
  auto options = unpaced_test(0);
  options.queue_size = 2;  // block policy: the reader fills two and waits
  VideoSource source("test:32x32", options);
  source.start();
  ASSERT_TRUE(eventually([&] { return source.stats().produced == 3; }, 5s));
  auto stopper = std::async(std::launch::async, [&] { source.stop(); });
  ASSERT_EQ(stopper.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(source.stats().produced, 3u);
  EXPECT_EQ(source.stats().dropped, 0u);
  EXPECT_FALSE(source.read());
}

TEST(VideoSourceThreading, MovesCarryTheRunningSource) {
  VideoSource a("test:32x32", unpaced_test(4));
  ASSERT_TRUE(a.read());
  VideoSource b(std::move(a));
  EXPECT_EQ(b.spec(), "test:32x32");
  ASSERT_TRUE(b.read());
  EXPECT_FALSE(a.read());  // NOLINT(bugprone-use-after-move): a moved-from source is empty
  EXPECT_TRUE(a.ended());
  EXPECT_EQ(a.spec(), "");

  VideoSourceOptions slow;
  slow.test_fps = 0.1;
  VideoSource c("test:16x16", slow);
  ASSERT_TRUE(c.read_for(5s));
  c = std::move(b);  // stops c's own reader first
  EXPECT_EQ(c.spec(), "test:32x32");
  int rest = 0;
  while (c.read()) ++rest;
  EXPECT_EQ(rest, 2);
  EXPECT_EQ(c.stats().delivered, 4u);
}

TEST(VideoSourceThreading, DestructorStopsARunningSource) {
  const auto begin = Clock::now();
  {
    VideoSourceOptions slow;
    slow.test_fps = 0.1;
    VideoSource source("test:32x32", slow);
    ASSERT_TRUE(source.read_for(5s));
  }
  EXPECT_LT(Clock::now() - begin, 5s) << "the destructor waited for the next frame";
}

}  // namespace
}  // namespace netgear
