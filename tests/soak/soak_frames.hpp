#pragma once
// Frames of the lossless run: frame `seq` is 48x64x3 bytes of a pseudo-random
// stream seeded by seq (so every frame differs and a corrupted byte shows),
// and travels with the FNV-1a 64 checksum of its bytes.

#include <cstddef>
#include <cstdint>
#include <span>

#include <opencv2/core/mat.hpp>

namespace netgear::soak {

constexpr int kRows = 48, kCols = 64, kChannels = 3;

/// FNV-1a, 64 bits.
inline std::uint64_t fnv1a64(std::span<const std::uint8_t> bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const auto b : bytes) {
    h ^= b;
    h *= 0x100000001b3ULL;
  }
  return h;
}

inline std::uint64_t fnv1a64(const cv::Mat& m) {
  return fnv1a64({m.data, m.total() * m.elemSize()});
}

/// Frame `seq`: splitmix64 seeded with seq, eight bytes per step.
inline cv::Mat soak_frame(std::uint64_t seq) {
  cv::Mat m(kRows, kCols, CV_8UC(kChannels));
  std::uint64_t state = seq * 0x9e3779b97f4a7c15ULL + 1;
  const std::size_t n = m.total() * m.elemSize();
  for (std::size_t i = 0; i < n; i += 8) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    for (std::size_t k = 0; k < 8 && i + k < n; ++k) m.data[i + k] = static_cast<std::uint8_t>(z >> (8 * k));
  }
  return m;
}

}  // namespace netgear::soak
