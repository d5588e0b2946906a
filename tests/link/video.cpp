// A consumer of VideoSource: reads the test pattern through netgear::video,
// which brings OpenCV's video I/O with it (check_needed.cmake).
#include <cstdio>

#include "netgear/video_source.hpp"

int main() {
  netgear::VideoSource source("test:64x48", {.test_frames = 2, .test_fps = 0});
  int frames = 0;
  while (const auto frame = source.read()) frames += frame->cols == 64 && frame->rows == 48 ? 1 : 0;
  std::printf("video probe: %d frames\n", frames);
  return frames == 2 ? 0 : 1;
}
