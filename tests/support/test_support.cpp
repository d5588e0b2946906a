#include "support/test_support.hpp"

#include <atomic>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include <opencv2/core.hpp>
#include <unistd.h>

namespace netgear::test {

Frame pattern_frame(const std::vector<std::size_t>& shape, Dtype dtype, int seed) {
  std::size_t count = 1;
  for (auto d : shape) count *= d;
  cv::Mat values(1, static_cast<int>(count), CV_64F);
  for (std::size_t i = 0; i < count; ++i) values.at<double>(0, static_cast<int>(i)) = static_cast<double>((i + seed) % 127);
  cv::Mat typed;
  values.convertTo(typed, dtype_cv_depth(dtype));
  return Frame(typed, shape, dtype);
}

bool is_pattern_frame(const Frame& frame, int seed) {
  Frame expected = pattern_frame(frame.shape(), frame.dtype(), seed);
  auto a = frame.contiguous().bytes();
  auto b = expected.bytes();
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

Settings receiver_settings(Protocol protocol, Pattern pattern) {
  static std::atomic<int> counter{0};
  Settings s;
  s.protocol = protocol;
  s.pattern = pattern;
  const std::string unique = std::to_string(::getpid()) + "-" + std::to_string(counter++);
  switch (protocol) {
    case Protocol::tcp:
      s.address = "127.0.0.1";
      s.port = "*";
      break;
    case Protocol::ipc:
      s.address = "/tmp/netgear-test-" + unique;
      s.port = "0";
      break;
    default:
      s.address = "netgear-test-" + unique;
      s.port = "0";
      break;
  }
  return s;
}

Settings sender_settings_for(const std::string& endpoint, Pattern pattern) {
  Settings s;
  auto scheme_end = endpoint.find("://");
  auto colon = endpoint.rfind(':');
  s.protocol = protocol_from_string(endpoint.substr(0, scheme_end));
  s.address = endpoint.substr(scheme_end + 3, colon - scheme_end - 3);
  s.port = endpoint.substr(colon + 1);
  s.pattern = pattern;
  return s;
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return condition();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

}  // namespace netgear::test

namespace netgear::test {

TempDir::TempDir() {
  std::string templ = (std::filesystem::temp_directory_path() / "netgear-test-XXXXXX").string();
  if (!::mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace netgear::test
