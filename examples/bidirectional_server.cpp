// vidgear's bidirectional NetGear server in C++: sends each frame with a
// message, and prints the data the client returns (it rides on the replies).
//
//   usage: netgear_example_bidirectional_server [source] [address] [port]
//          defaults:                              test.mp4  localhost 5555
//
//   netgear_example_bidirectional_client                # terminal 1
//   netgear_example_bidirectional_server clip.mp4       # terminal 2
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "netgear/netgear.hpp"
#include "example_source.hpp"

int main(int argc, char** argv) try {
  const std::string source = argc > 1 ? argv[1] : "the default source";
  const std::string address = argc > 2 ? argv[2] : "localhost";
  const std::string port = argc > 3 ? argv[3] : "5555";

  netgear::VideoSource stream = example_source(argc, argv);
  stream.start();
  netgear::NetGear server(address, port, "tcp", 0, /*receive_mode=*/false, /*logging=*/false,
                          nlohmann::json{{"bidirectional_mode", true}});
  while (auto frame = stream.read()) {
    const std::string target_data = "Hello, I am a Server.";
    auto recv_data = server.send(*frame, target_data).reply;  // what the client returned, or null
    if (!recv_data.is_null()) std::cout << "server got: " << recv_data.dump() << '\n';
  }
  stream.stop();
  server.close();
} catch (const netgear::Error& e) {
  std::cerr << "netgear_example_bidirectional_server: " << e.what() << '\n';
  return 1;
}
