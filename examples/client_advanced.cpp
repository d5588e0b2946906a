// vidgear's "advanced" NetGear client in C++: binds the given address and
// port (its own IP, or * for every interface) with the given protocol and
// pattern, options as JSON like vidgear's `**options` dict. Shows the frames
// in a window when there is a display ('q' quits); without one (ssh, CI) it
// prints a line per second instead.
//
//   usage: netgear_example_client_advanced [address] [port] [protocol] [pattern]
//          defaults:                        *         5454   tcp        1 (REQ/REP)
//
//   netgear_example_client_advanced '*' 5454                    # on the client
//   netgear_example_server_advanced clip.mp4 192.168.x.xxx 5454 # on the server
#include <chrono>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>
#include <opencv2/highgui.hpp>

#include "netgear/netgear.hpp"

int main(int argc, char** argv) try {
  const std::string address = argc > 1 ? argv[1] : "*";
  const std::string port = argc > 2 ? argv[2] : "5454";
  const std::string protocol = argc > 3 ? argv[3] : "tcp";
  const int pattern = argc > 4 ? std::stoi(argv[4]) : 1;
  const bool display = std::getenv("DISPLAY") != nullptr || std::getenv("WAYLAND_DISPLAY") != nullptr;

  const nlohmann::json options = {{"flag", 0}, {"copy", false}, {"track", false}};
  netgear::NetGear client(address, port, protocol, pattern, /*receive_mode=*/true, /*logging=*/true, options);

  using Clock = std::chrono::steady_clock;
  const auto begin = Clock::now();
  auto next_report = begin + std::chrono::seconds(1);
  std::uint64_t count = 0;
  while (auto got = client.recv()) {  // nullopt once the server ended the stream
    ++count;
    if (display) {
      cv::imshow("Output Frame", got->frame.mat());
      if ((cv::waitKey(1) & 0xFF) == 'q') break;
    } else if (const auto now = Clock::now(); now >= next_report) {
      next_report = now + std::chrono::seconds(1);
      const std::chrono::duration<double> t = now - begin;
      std::cout << "client: " << count << " frames in " << std::fixed << std::setprecision(1) << t.count() << " s\n"
                << std::flush;
    }
  }
  client.close();
  std::cout << "client: " << count << " frames, stream ended\n";
} catch (const std::exception& e) {  // netgear::Error, or a bad pattern number
  std::cerr << "netgear_example_client_advanced: " << e.what() << '\n'
            << "usage: netgear_example_client_advanced [address] [port] [protocol] [pattern]\n";
  return 1;
}
