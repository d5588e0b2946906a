#pragma once
// The second part of a frame message for raw (uncompressed) frames: the array
// bytes, C-contiguous, described by the header's dtype and shape. Pure
// functions; bounds are checked before any memory is touched.

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

#include "netgear/frame.hpp"
#include "wire/foreign_mat.hpp"
#include "wire/header.hpp"

namespace netgear::wire {

/// How a numpy shape is laid out as a cv::Mat.
struct MatGeometry {
  std::array<int, max_dims> size{};  ///< Mat dimensions: the first `dims` entries
  int dims = 2;                      ///< at least 2
  int channels = 1;                  ///< Mat channels
  [[nodiscard]] std::span<const int> sizes() const noexcept { return {size.data(), static_cast<std::size_t>(dims)}; }
};

/// [H, W] -> H x W x 1; [H, W, C] -> H x W x C (C <= CV_CN_MAX); [N] -> 1 x N;
/// [] -> 1 x 1; any other shape -> an n-dimensional single-channel Mat.
/// Throws FrameError for more than max_dims dimensions.
MatGeometry geometry_for(std::span<const std::size_t> shape);

/// Sets the header's dtype and shape for sending `frame` raw. Throws
/// FrameError for a frame of more than max_dims dimensions.
void describe_raw(const Frame& frame, FrameHeader& header);

/// Checks a raw frame's dtype and shape against its payload size (dtype
/// known, element count times element size equals the size, no overflow).
/// Returns the dtype; throws WireError naming the mismatch.
Dtype validate_raw(std::string_view dtype, const std::optional<Shape>& shape, std::size_t payload_size);

/// A Frame of this numpy shape and dtype over `data` without copying; `hold`
/// keeps the bytes alive as long as any Mat refers to them (see ForeignHold).
/// The Frame's own copy of the shape is its one allocation.
Frame frame_over(void* data, std::span<const std::size_t> shape, Dtype dtype, ForeignHoldPtr hold);

}  // namespace netgear::wire
