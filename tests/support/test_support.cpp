#include "support/test_support.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

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
namespace {

// Calls f(T{}) with the C++ element type of a dtype OpenCV has no depth for
// (its Mat carries the bits in a same-size depth); false for any other dtype.
template <class F>
bool with_carried_type(Dtype dtype, F&& f) {
  switch (dtype) {
    case Dtype::uint32: f(std::uint32_t{}); return true;
    case Dtype::int64: f(std::int64_t{}); return true;
    case Dtype::uint64: f(std::uint64_t{}); return true;
    case Dtype::complex64: f(std::complex<float>{}); return true;
    default: return false;
  }
}

template <class T>
int as_seed(T value) { return static_cast<int>(value); }
int as_seed(std::complex<float> value) { return static_cast<int>(value.real()); }

}  // namespace

Frame pattern_frame(const std::vector<std::size_t>& shape, Dtype dtype, int seed) {
  std::size_t count = 1;
  for (auto d : shape) count *= d;
  auto value = [&](std::size_t i) { return (i + static_cast<std::size_t>(seed)) % 127; };
  // Dtypes OpenCV has no depth for: their own values, written into the carrier depth's bytes.
  Frame carried;
  if (with_carried_type(dtype, [&](auto zero) {
        using T = decltype(zero);
        cv::Mat typed(1, static_cast<int>(count), CV_MAKETYPE(dtype_cv_depth(dtype), 1));
        auto* out = reinterpret_cast<T*>(typed.data);
        for (std::size_t i = 0; i < count; ++i) out[i] = static_cast<T>(value(i));
        carried = Frame(typed, shape, dtype);
      }))
    return carried;
  cv::Mat values(1, static_cast<int>(count), CV_64F);
  for (std::size_t i = 0; i < count; ++i) values.at<double>(0, static_cast<int>(i)) = static_cast<double>(value(i));
  cv::Mat typed;
  values.convertTo(typed, dtype_cv_depth(dtype));
  return Frame(typed, shape, dtype);
}

int pattern_seed(const Frame& frame) {
  if (frame.empty()) return -1;
  const Frame whole = frame.contiguous();  // held: a copy's pixels live as long as it does
  const auto* data = whole.mat().data;
  int seed = 0;
  if (with_carried_type(frame.dtype(), [&](auto zero) {
        decltype(zero) first;
        std::memcpy(&first, data, sizeof first);
        seed = as_seed(first);
      }))
    return seed;
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

bool LogCapture::contains(const std::string& text) {
  std::lock_guard lock(mutex_);
  return text_.find(text) != std::string::npos;
}

std::string LogCapture::text() {
  std::lock_guard lock(mutex_);
  return text_;
}

std::vector<std::string> LogCapture::lines() {
  std::vector<std::string> all;
  std::istringstream in(text());
  for (std::string line; std::getline(in, line);) all.push_back(line);
  return all;
}

void LogCapture::sink_it_(const spdlog::details::log_msg& msg) {
  text_.append(msg.payload.data(), msg.payload.size()) += '\n';
}

std::shared_ptr<LogCapture> capture_netgear_log() {
  auto capture = std::make_shared<LogCapture>();
  auto logger = std::make_shared<spdlog::logger>(
      "netgear", spdlog::sinks_init_list{std::make_shared<spdlog::sinks::stderr_color_sink_mt>(), capture});
  logger->set_level(spdlog::level::debug);
  spdlog::drop("netgear");
  spdlog::register_logger(logger);
  return capture;
}

std::string option_error_key(const std::function<void()>& f) {
  try {
    f();
  } catch (const OptionError& e) {
    EXPECT_NE(std::string(e.what()).find(e.key()), std::string::npos) << "message must name the key: " << e.what();
    return e.key();
  }
  return "<no error>";
}

}  // namespace netgear::test
