// Sends one frame to itself over inproc through an installed (or build-tree)
// netgear, and checks the library it runs with is the version of its headers.
#include <cstdio>
#include <cstring>

#include <netgear/netgear.hpp>
#include <netgear/version.hpp>

int main() {
  netgear::NetGear client("consumer", "1", "inproc", 0, true);
  netgear::NetGear server("consumer", "1", "inproc", 0);
  server.send(cv::Mat(4, 4, CV_8UC3, cv::Scalar(1, 2, 3)), "hi");
  auto got = client.recv();
  const bool ok = got && got->message == "hi" && got->frame.shape() == std::vector<std::size_t>{4, 4, 3} &&
                  std::strcmp(netgear::version(), NETGEAR_VERSION_STRING) == 0;
  std::printf("consumer: %s %s\n", ok ? "ok" : "FAILED", netgear::version());
  return ok ? 0 : 1;
}
