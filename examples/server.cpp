// The seed's bare-minimum server in C++: read a video, send every frame to a
// client (receive mode) on localhost:5555, then end the stream.
//   usage: netgear_example_server [video file, default test.mp4]
#include <opencv2/videoio.hpp>

#include "netgear/netgear.hpp"

int main(int argc, char** argv) {
  cv::VideoCapture stream(argc > 1 ? argv[1] : "test.mp4");
  netgear::NetGear server;  // send mode, tcp://localhost:5555, PAIR
  cv::Mat frame;
  while (stream.read(frame)) server.send(frame);
  server.close();  // the client's recv() returns nullopt once it has every frame
}
