// The seed's bare-minimum server in C++ (vidgear's VideoGear + NetGear
// "bare-minimum" server): read a video on its own thread, send every frame to
// a client (receive mode) on localhost:5555 over PAIR, then end the stream.
//
//   netgear_example_client &                  # terminal 1 (or first)
//   netgear_example_server clip.mp4           # terminal 2; any VideoSource spec
//                                             # ("test.mp4" by default, "0", "test:640x480")
#include <iostream>

#include "netgear/netgear.hpp"
#include "netgear/video_source.hpp"

int main(int argc, char** argv) try {
  netgear::VideoSource stream(argc > 1 ? argv[1] : "test.mp4");
  stream.start();           // VideoGear(source="test.mp4").start()
  netgear::NetGear server;  // send mode, tcp://localhost:5555, PAIR
  while (auto frame = stream.read()) server.send(*frame);
  stream.stop();
  server.close();  // the client's recv() returns nullopt once it has every frame
} catch (const netgear::Error& e) {
  std::cerr << "netgear_example_server: " << e.what() << '\n';
  return 1;
}
