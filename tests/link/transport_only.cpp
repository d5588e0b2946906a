// A consumer of the transport alone: one frame to itself over inproc through
// netgear::netgear. It must link without OpenCV's video I/O (check_needed.cmake).
#include <cstdio>
#include <vector>

#include "netgear/netgear.hpp"

int main() {
  netgear::NetGear client("link_probe", "1", "inproc", 0, true);
  netgear::NetGear server("link_probe", "1", "inproc", 0);
  server.send(cv::Mat(4, 4, CV_8UC3, cv::Scalar(1, 2, 3)), "hi");
  const auto got = client.recv();
  const bool ok = got && got->frame.shape() == std::vector<std::size_t>{4, 4, 3};
  std::puts(ok ? "transport probe: ok" : "transport probe: FAILED");
  return ok ? 0 : 1;
}
