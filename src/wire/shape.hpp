#pragma once
// A numpy shape held inline: the header codec fills and copies it per frame
// without touching the heap.

#include <algorithm>
#include <array>
#include <cstddef>
#include <initializer_list>
#include <span>
#include <stdexcept>
#include <vector>

namespace netgear::wire {

/// Largest number of dimensions accepted in a shape (OpenCV's CV_MAX_DIM).
inline constexpr std::size_t max_dims = 32;

/// Up to max_dims dimensions, stored in the object (no allocation).
class Shape {
 public:
  Shape() = default;
  /// Throws std::length_error for more than max_dims dimensions.
  Shape(std::initializer_list<std::size_t> dims) : Shape(std::span<const std::size_t>(dims.begin(), dims.size())) {}
  /// Throws std::length_error for more than max_dims dimensions (fits() says).
  explicit Shape(std::span<const std::size_t> dims) {
    if (!fits(dims)) throw std::length_error("netgear: a shape has at most 32 dimensions");
    std::copy(dims.begin(), dims.end(), dims_.begin());
    size_ = dims.size();
  }
  [[nodiscard]] static bool fits(std::span<const std::size_t> dims) noexcept { return dims.size() <= max_dims; }

  /// Throws std::length_error when the shape already has max_dims dimensions.
  void push_back(std::size_t dim) {
    if (size_ == max_dims) throw std::length_error("netgear: a shape has at most 32 dimensions");
    dims_[size_++] = dim;
  }
  void clear() noexcept { size_ = 0; }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] std::size_t operator[](std::size_t i) const noexcept { return dims_[i]; }
  [[nodiscard]] const std::size_t* begin() const noexcept { return dims_.data(); }
  [[nodiscard]] const std::size_t* end() const noexcept { return dims_.data() + size_; }
  [[nodiscard]] std::span<const std::size_t> dims() const noexcept { return {dims_.data(), size_}; }
  [[nodiscard]] std::vector<std::size_t> to_vector() const { return {begin(), end()}; }

  friend bool operator==(const Shape& a, const Shape& b) noexcept {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  std::array<std::size_t, max_dims> dims_{};
  std::size_t size_ = 0;
};

}  // namespace netgear::wire
