#pragma once
// The second part of a frame message for raw (uncompressed) frames: the array
// bytes, C-contiguous, described by the header's dtype and shape. Pure
// functions; bounds are checked before any memory is touched.

#include <cstddef>
#include <memory>
#include <vector>

#include "netgear/frame.hpp"
#include "wire/header.hpp"

namespace netgear::wire {

/// How a numpy shape is laid out as a cv::Mat.
struct MatGeometry {
  std::vector<int> sizes;  ///< Mat dimensions (at least 2)
  int channels = 1;        ///< Mat channels
};

/// [H, W] -> H x W x 1; [H, W, C] -> H x W x C (C <= CV_CN_MAX); [N] -> 1 x N;
/// [] -> 1 x 1; any other shape -> an n-dimensional single-channel Mat.
MatGeometry geometry_for(const std::vector<std::size_t>& shape);

/// Sets the header's dtype and shape for sending `frame` raw.
void describe_raw(const Frame& frame, FrameHeader& header);

/// Checks a raw frame's header against its payload size (dtype known, element
/// count times element size equals the size, no overflow). Returns the dtype;
/// throws WireError naming the mismatch.
Dtype validate_raw(const FrameHeader& header, std::size_t payload_size);

/// A Frame of this numpy shape and dtype over `data` without copying; `owner`
/// keeps the bytes alive as long as any Mat refers to them (Frame::borrow).
Frame frame_over(void* data, const std::vector<std::size_t>& shape, Dtype dtype, std::shared_ptr<void> owner);
/// frame_over() for a payload already validated with validate_raw.
Frame raw_frame(const FrameHeader& header, Dtype dtype, void* data, std::shared_ptr<void> owner);

}  // namespace netgear::wire
