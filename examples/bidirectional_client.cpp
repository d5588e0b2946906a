// vidgear's bidirectional NetGear client in C++: receives frames with the
// server's message and returns data of its own with each reply. Shows the
// frames when there is a display; otherwise prints the server's messages.
//
//   usage: netgear_example_bidirectional_client [address] [port]
//          defaults:                              *         5555
//
//   netgear_example_bidirectional_client                # terminal 1
//   netgear_example_bidirectional_server clip.mp4       # terminal 2
#include <cstdlib>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>
#include <opencv2/highgui.hpp>

#include "netgear/netgear.hpp"

int main(int argc, char** argv) try {
  const std::string address = argc > 1 ? argv[1] : "*";
  const std::string port = argc > 2 ? argv[2] : "5555";
  const bool display = std::getenv("DISPLAY") != nullptr || std::getenv("WAYLAND_DISPLAY") != nullptr;

  netgear::NetGear client(address, port, "tcp", 0, /*receive_mode=*/true, /*logging=*/false,
                          nlohmann::json{{"bidirectional_mode", true}});
  std::uint64_t count = 0;
  while (true) {
    // Any JSON goes back: here the text vidgear's example sends, and a count.
    const nlohmann::json target_data = {{"text", "Hi, I am a Client here."}, {"frames", count}};
    auto data = client.recv(target_data);
    if (!data) break;  // the server ended the stream
    ++count;
    if (display) {
      cv::imshow("Output Frame", data->frame.mat());
      if ((cv::waitKey(1) & 0xFF) == 'q') break;
    } else if (count == 1 || count % 30 == 0) {
      std::cout << "client: frame " << count << ", server says " << data->message.dump() << '\n';
    }
  }
  client.close();
  std::cout << "client: " << count << " frames, stream ended\n";
} catch (const netgear::Error& e) {
  std::cerr << "netgear_example_bidirectional_client: " << e.what() << '\n';
  return 1;
}
