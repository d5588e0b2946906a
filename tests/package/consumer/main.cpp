// Sends one frame to itself over inproc through the installed library.
#include <cstdio>

#include <netgear/netgear.hpp>

int main() {
  netgear::NetGear client("consumer", "1", "inproc", 0, true);
  netgear::NetGear server("consumer", "1", "inproc", 0);
  server.send(cv::Mat(4, 4, CV_8UC3, cv::Scalar(1, 2, 3)), "hi");
  auto got = client.recv();
  const bool ok = got && got->message == "hi" && got->frame.shape() == std::vector<std::size_t>{4, 4, 3};
  std::puts(ok ? "consumer: ok" : "consumer: FAILED");
  return ok ? 0 : 1;
}
