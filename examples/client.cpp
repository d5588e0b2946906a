// The seed's bare-minimum client in C++: receive frames on *:5555 and show
// them until the server ends the stream or 'q' is pressed.
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
