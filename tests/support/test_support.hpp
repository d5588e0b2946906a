#pragma once
// Helpers for netgear's tests: deterministic frames, unique endpoints,
// waiting on a condition with a deadline (never a bare sleep).

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>
#include <spdlog/sinks/base_sink.h>

#include "netgear/error.hpp"
#include "netgear/frame.hpp"
#include "netgear/options.hpp"

namespace netgear::test {

/// A frame whose every element is (index + seed) % 127 in the given dtype,
/// the same content tests/interop/vidgear_peer.py makes for frame `seed`.
Frame pattern_frame(const std::vector<std::size_t>& shape, Dtype dtype, int seed);

/// True if `frame` holds exactly pattern_frame(frame.shape(), frame.dtype(), seed).
bool is_pattern_frame(const Frame& frame, int seed);
/// The seed pattern_frame() would have used for `frame`, read from its first
/// element (any dtype, carried ones included); -1 for an empty frame.
int pattern_seed(const Frame& frame);

/// Settings for a receiver on 127.0.0.1 with any free port (tcp), or a
/// unique ipc path / inproc name.
Settings receiver_settings(Protocol protocol, Pattern pattern);

/// Settings for a sender aimed at `endpoint` (as a receiver reported it).
Settings sender_settings_for(const std::string& endpoint, Pattern pattern);

/// A fresh folder under the system temp folder, removed with its contents
/// when the object goes.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

/// The what() of the `E` that `f` throws, or "" if it throws none (any other
/// exception propagates and fails the test).
template <class E, class F>
std::string error_text(F f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "";
}

/// The key() of the OptionError `f` throws, or "<no error>" if it throws
/// none; also checks that the error's message names that key.
std::string option_error_key(const std::function<void()>& f);

/// The what() of the SetupError `f` throws, or "" if it throws none.
template <class F>
std::string setup_error(F f) {
  return error_text<SetupError>(f);
}

/// Whether this is a sanitizer build (ASan, TSan): slower, and with its own
/// allocator, so RSS figures say nothing about netgear's memory there.
constexpr bool sanitized_build() {
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
  return true;
#else
  return false;
#endif
}

/// Room a test allows beyond a documented time promise (close() within
/// min(request_timeout, 1 s)) for a busy scheduler: 250 ms, or 1 s in a
/// sanitizer build, which runs several times slower. A test checks
/// `elapsed < promise + promise_slack()`, not a multiple of the promise.
constexpr std::chrono::milliseconds promise_slack() {
  return std::chrono::milliseconds(sanitized_build() ? 1000 : 250);
}

/// Polls `condition` until it holds or `timeout` passes; returns its last value.
bool eventually(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout = std::chrono::seconds(10));

/// Keeps the text of every message a spdlog logger writes (one line each),
/// for a test to search. Thread-safe: the I/O thread writes, the test reads.
class LogCapture : public spdlog::sinks::base_sink<std::mutex> {
 public:
  [[nodiscard]] bool contains(const std::string& text);
  [[nodiscard]] std::string text();
  /// The lines written so far.
  [[nodiscard]] std::vector<std::string> lines();

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override {}

 private:
  std::string text_;  // guarded by the base's mutex_
};

/// Registers the `netgear` logger, writing to stderr and to a new LogCapture,
/// and returns the capture. Call before any object made with logging=true
/// exists: a sink added later would race with its I/O thread's logging.
/// (Each test case runs in its own process, so the registry starts empty.)
std::shared_ptr<LogCapture> capture_netgear_log();

}  // namespace netgear::test
