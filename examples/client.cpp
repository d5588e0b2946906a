// The seed's bare-minimum client in C++: receive frames on *:5555 and show
// them until the server ends the stream or 'q' is pressed.
//
//   netgear_example_client                    # terminal 1 (needs a display)
//   netgear_example_server clip.mp4           # terminal 2
#include <opencv2/highgui.hpp>

#include "netgear/netgear.hpp"

int main() {
  netgear::NetGear client(std::nullopt, {}, "tcp", 0, /*receive_mode=*/true);
  while (auto got = client.recv()) {
    cv::imshow("Output Frame", got->frame.mat());
    if ((cv::waitKey(1) & 0xFF) == 'q') break;
  }
  client.close();
}
