#include "support/test_support.hpp"

#include <atomic>
#include <complex>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

#include <opencv2/core.hpp>
#include <unistd.h>

namespace netgear::test {

Frame pattern_frame(const std::vector<std::size_t>& shape, Dtype dtype, int seed) {
  std::size_t count = 1;
  for (auto d : shape) count *= d;
  auto value = [&](std::size_t i) { return (i + static_cast<std::size_t>(seed)) % 127; };
  // Dtypes OpenCV has no depth for: their own values, written into the carrier depth's bytes.
  auto carried = [&](auto zero) {
    cv::Mat typed(1, static_cast<int>(count), CV_MAKETYPE(dtype_cv_depth(dtype), 1));
    auto* out = reinterpret_cast<decltype(zero)*>(typed.data);
    for (std::size_t i = 0; i < count; ++i) out[i] = static_cast<decltype(zero)>(value(i));
    return Frame(typed, shape, dtype);
  };
  switch (dtype) {
    case Dtype::uint32: return carried(std::uint32_t{});
    case Dtype::int64: return carried(std::int64_t{});
    case Dtype::uint64: return carried(std::uint64_t{});
    case Dtype::complex64: return carried(std::complex<float>{});
    default: break;
  }
  cv::Mat values(1, static_cast<int>(count), CV_64F);
  for (std::size_t i = 0; i < count; ++i) values.at<double>(0, static_cast<int>(i)) = static_cast<double>(value(i));
  cv::Mat typed;
  values.convertTo(typed, dtype_cv_depth(dtype));
  return Frame(typed, shape, dtype);
}

int pattern_seed(const Frame& frame) {
  if (frame.empty()) return -1;
  const auto* data = frame.contiguous().mat().data;
  auto first = [&](auto zero) {
    decltype(zero) v;
    std::memcpy(&v, data, sizeof v);
    return v;
  };
  switch (frame.dtype()) {
    case Dtype::uint32: return static_cast<int>(first(std::uint32_t{}));
    case Dtype::int64: return static_cast<int>(first(std::int64_t{}));
    case Dtype::uint64: return static_cast<int>(first(std::uint64_t{}));
    case Dtype::complex64: return static_cast<int>(first(std::complex<float>{}).real());
    default: break;
  }
  cv::Mat value;
  frame.mat().reshape(1, 1).colRange(0, 1).convertTo(value, CV_64F);
  return static_cast<int>(value.at<double>(0, 0));
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
