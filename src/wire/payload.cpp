#include "wire/payload.hpp"

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "netgear/error.hpp"
#include "wire/peer_text.hpp"

namespace netgear::wire {

MatGeometry geometry_for(std::span<const std::size_t> shape) {
  MatGeometry g;
  auto as_int = [](std::size_t v) { return static_cast<int>(v); };
  switch (shape.size()) {
    case 0: g.size[0] = g.size[1] = 1; break;
    case 1: g.size[0] = 1, g.size[1] = as_int(shape[0]); break;
    case 2: g.size[0] = as_int(shape[0]), g.size[1] = as_int(shape[1]); break;
    default:
      if (shape.size() == 3 && shape[2] >= 1 && shape[2] <= CV_CN_MAX) {
        g.size[0] = as_int(shape[0]), g.size[1] = as_int(shape[1]);
        g.channels = as_int(shape[2]);
      } else {
        if (shape.size() > max_dims)
          throw FrameError("netgear: a frame has at most " + std::to_string(max_dims) + " dimensions, not " +
                           std::to_string(shape.size()));
        std::transform(shape.begin(), shape.end(), g.size.begin(), as_int);
        g.dims = static_cast<int>(shape.size());
      }
  }
  return g;
}

void describe_raw(const Frame& frame, FrameHeader& header) {
  if (!Shape::fits(frame.shape()))
    throw FrameError("netgear: a frame of " + std::to_string(frame.shape().size()) +
                     " dimensions cannot be sent (receivers take at most " + std::to_string(max_dims) + ")");
  header.dtype.assign(dtype_name(frame.dtype()));
  header.shape = Shape(frame.shape());
}

Dtype validate_raw(std::string_view dtype_text, const std::optional<Shape>& shape, std::size_t payload_size) {
  auto dtype = dtype_from_name(dtype_text);
  if (!dtype) throw WireError("header dtype '" + peer_text(dtype_text) + "' is not one netgear can carry");
  if (!shape) throw WireError("raw frame without a shape");
  std::size_t expected = dtype_size(*dtype);
  for (auto dim : *shape) {
    if (dim != 0 && expected > std::numeric_limits<std::size_t>::max() / dim)
      throw WireError("header shape overflows the address space");
    expected *= dim;
  }
  if (expected != payload_size)
    throw WireError("header shape and dtype " + peer_text(dtype_text) + " need " + std::to_string(expected) +
                    " bytes but the payload has " + std::to_string(payload_size));
  return *dtype;
}

Frame frame_over(void* data, std::span<const std::size_t> shape, Dtype dtype, ForeignHoldPtr hold) {
  const auto g = geometry_for(shape);
  const int type = CV_MAKETYPE(dtype_cv_depth(dtype), g.channels);
  std::vector<std::size_t> frame_shape(shape.begin(), shape.end());
  const auto sizes = g.sizes();
  if (std::find(sizes.begin(), sizes.end(), 0) != sizes.end())  // zero-sized arrays carry no bytes; OpenCV cannot wrap them
    return Frame(cv::Mat(g.dims, sizes.data(), type), std::move(frame_shape), dtype);
  cv::Mat mat = wrap_foreign(data, sizes, type, std::move(hold));
  return Frame(std::move(mat), std::move(frame_shape), dtype);
}

}  // namespace netgear::wire
