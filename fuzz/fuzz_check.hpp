#pragma once
// What every fuzz target shares: how a broken expectation ends the run (an
// abort that libFuzzer and the replay programs report as a crash, with the
// reason on stderr), how an exception the library does not document becomes
// one, and a read of every byte of a frame so that ASan sees any overread.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <typeinfo>

#include <opencv2/core/mat.hpp>

namespace netgear::fuzz {

/// Ends the process: `why` is a broken expectation.
[[noreturn]] inline void fail(const char* why) {
  std::fprintf(stderr, "fuzz: %s\n", why);
  std::fflush(stderr);
  std::abort();
}

/// Checks `ok`; aborts with `why` otherwise.
inline void require(bool ok, const char* why) {
  if (!ok) fail(why);
}

/// Call from `catch (...)` after the documented exceptions were caught:
/// aborts, naming the exception that escaped.
[[noreturn]] inline void undocumented_exception() {
  try {
    throw;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz: undocumented exception %s: %s\n", typeid(e).name(), e.what());
  } catch (...) {
    std::fprintf(stderr, "fuzz: undocumented exception of a non-std type\n");
  }
  std::fflush(stderr);
  std::abort();
}

/// Where touch() leaves its sum, so that the reads are not optimised away.
inline volatile std::uint64_t touched_sum = 0;

/// Reads every byte of a continuous Mat (total() x elemSize() from data);
/// returns their sum.
inline std::uint64_t touch(const cv::Mat& mat) {
  require(mat.empty() || mat.isContinuous(), "a decoded frame is not continuous");
  const std::size_t size = mat.total() * mat.elemSize();
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < size; ++i) sum += mat.data[i];
  touched_sum = sum;
  return sum;
}

}  // namespace netgear::fuzz
