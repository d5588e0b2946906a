// Streams three frames of the test pattern to itself over inproc through the
// installed netgear::video and netgear::netgear.
#include <cstdio>
#include <vector>

#include <netgear/netgear.hpp>
#include <netgear/video_source.hpp>

int main() {
  netgear::NetGear client("video_consumer", "1", "inproc", 0, true);
  netgear::NetGear server("video_consumer", "1", "inproc", 0);
  netgear::VideoSource source("test:32x24", {.test_frames = 3, .test_fps = 0});
  int received = 0;
  while (const auto frame = source.read()) {
    server.send(*frame);
    const auto got = client.recv();
    if (got && got->frame.shape() == std::vector<std::size_t>{24, 32, 3}) ++received;
  }
  std::printf("video_consumer: %d of 3 frames\n", received);
  return received == 3 ? 0 : 1;
}
