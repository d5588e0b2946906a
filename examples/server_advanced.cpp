// vidgear's "advanced" NetGear server in C++: the address, port, protocol and
// pattern are parameters, and the send options are given as JSON, like
// vidgear's `**options` dict. The server connects to the client's address.
//
//   usage: netgear_example_server_advanced [source] [client-address] [port] [protocol] [pattern]
//          defaults:                        test.mp4  127.0.0.1        5454   tcp        1 (REQ/REP)
//
//   netgear_example_client_advanced '*' 5454            # on the client (192.168.x.xxx)
//   netgear_example_server_advanced clip.mp4 192.168.x.xxx 5454
//
// Ctrl+C ends the stream cleanly (the client is told, as at the end of the video).
#include <atomic>
#include <csignal>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "netgear/netgear.hpp"
#include "example_source.hpp"

namespace {
std::atomic<bool> interrupted{false};
}  // namespace

int main(int argc, char** argv) try {
  const std::string source = argc > 1 ? argv[1] : "the default source";
  const std::string address = argc > 2 ? argv[2] : "127.0.0.1";  // the client's IP
  const std::string port = argc > 3 ? argv[3] : "5454";
  const std::string protocol = argc > 4 ? argv[4] : "tcp";
  const int pattern = argc > 5 ? std::stoi(argv[5]) : 1;

  // vidgear: options = {"flag": 0, "copy": False, "track": False}
  const nlohmann::json options = {{"flag", 0}, {"copy", false}, {"track", false}};

  netgear::VideoSource stream = example_source(argc, argv);
  stream.start();
  netgear::NetGear server(address, port, protocol, pattern, /*receive_mode=*/false, /*logging=*/true, options);
  std::signal(SIGINT, [](int) { interrupted = true; });  // vidgear: except KeyboardInterrupt: break

  std::uint64_t sent = 0;
  while (!interrupted) {
    auto frame = stream.read();
    if (!frame) break;  // end of the video
    // {do something with the frame here}
    server.send(*frame);
    ++sent;
  }
  stream.stop();
  server.close();
  std::cout << "server: sent " << sent << " frames from '" << source << "' to " << protocol << "://" << address
            << ":" << port << '\n';
} catch (const std::exception& e) {  // netgear::Error, or a bad pattern number
  std::cerr << "netgear_example_server_advanced: " << e.what() << '\n'
            << "usage: netgear_example_server_advanced [source] [client-address] [port] [protocol] [pattern]\n";
  return 1;
}
