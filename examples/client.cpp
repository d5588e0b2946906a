// The seed's bare-minimum client in C++: receive frames on *:5555 (or the port
// given) and show them until the server ends the stream or 'q' is pressed.
// Without a display it counts them instead.
//
//   netgear_example_client                    # terminal 1
//   netgear_example_server clip.mp4           # terminal 2
//   netgear_example_client 5566               # another port
#include <cstdlib>
#include <iostream>
#include <string>

#include <opencv2/highgui.hpp>

#include "netgear/netgear.hpp"

int main(int argc, char** argv) try {
  const bool display = std::getenv("DISPLAY") != nullptr || std::getenv("WAYLAND_DISPLAY") != nullptr;
  netgear::NetGear client(std::nullopt, argc > 1 ? std::string(argv[1]) : std::string("5555"), "tcp", 0,
                          /*receive_mode=*/true);
  std::size_t frames = 0;
  while (auto got = client.recv()) {
    ++frames;
    if (!display) continue;
    cv::imshow("Output Frame", got->frame.mat());
    if ((cv::waitKey(1) & 0xFF) == 'q') break;
  }
  client.close();
  std::cout << "client: " << frames << " frames, stream ended\n";
} catch (const netgear::Error& e) {
  std::cerr << "netgear_example_client: " << e.what() << '\n';
  return 1;
}
