#pragma once
// How fault_peer marks a frame so its receiver can check it: frame `seq` of
// sender generation `gen` has every byte equal to fill_byte(gen, seq).

#include <cstddef>
#include <cstdint>

#include <opencv2/core/mat.hpp>

namespace netgear::faults {

inline std::uint8_t fill_byte(long long gen, long long seq) { return static_cast<std::uint8_t>(seq * 31 + gen * 7 + 1); }

/// True if every byte of `m` is fill_byte(gen, seq).
inline bool frame_matches(const cv::Mat& m, long long gen, long long seq) {
  if (m.empty() || !m.isContinuous()) return false;
  const auto want = fill_byte(gen, seq);
  const std::size_t n = m.total() * m.elemSize();
  for (std::size_t i = 0; i < n; ++i)
    if (m.data[i] != want) return false;
  return true;
}

}  // namespace netgear::faults
