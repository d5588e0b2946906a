// The seed's bare-minimum server in C++ (vidgear's VideoGear + NetGear
// "bare-minimum" server): read a video on its own thread, send every frame to
// a client (receive mode) on localhost:5555 over PAIR, then end the stream.
//
//   netgear_example_client &                  # terminal 1 (or first)
//   netgear_example_server clip.mp4           # terminal 2; any VideoSource spec ("test.mp4"
//                                             # by default, else the test pattern; "0", "test:640x480")
//   netgear_example_server "" 5566           # the default source, another port
//                                             # (the client: netgear_example_client 5566)
#include <iostream>
#include <optional>
#include <string>

#include "example_source.hpp"
#include "netgear/netgear.hpp"

int main(int argc, char** argv) try {
  netgear::VideoSource stream = example_source(argc, argv);
  stream.start();  // VideoGear(source="test.mp4").start()
  // send mode, tcp://localhost:5555 (or the port given), PAIR
  netgear::NetGear server(std::nullopt, argc > 2 ? std::string(argv[2]) : std::string("5555"));
  while (auto frame = stream.read()) server.send(*frame);
  stream.stop();
  server.close();  // the client's recv() returns nullopt once it has every frame
} catch (const netgear::Error& e) {
  std::cerr << "netgear_example_server: " << e.what() << '\n';
  return 1;
}
