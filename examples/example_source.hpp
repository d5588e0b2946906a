#pragma once
// What the example servers stream when no source is given: vidgear's examples
// read "test.mp4"; where there is none, 150 frames (5 s) of the built-in test
// pattern instead, so a first run works without a video at hand.
#include <filesystem>
#include <iostream>
#include <string>

#include "netgear/video_source.hpp"

inline netgear::VideoSource example_source(int argc, char** argv) {
  if (argc > 1 && argv[1][0] != '\0') return netgear::VideoSource(argv[1]);  // "" = the default
  if (std::filesystem::exists("test.mp4")) return netgear::VideoSource("test.mp4");
  std::cerr << "no test.mp4 here: streaming 150 frames of the test pattern (give a video file, '0' or "
               "'test:640x480' as the first argument, "" for this default)\n";
  netgear::VideoSourceOptions options;
  options.test_frames = 150;
  return netgear::VideoSource("test:640x480", options);
}
