#include "wire/payload.hpp"

#include <limits>
#include <string>

#include <opencv2/core.hpp>

#include "wire/foreign_mat.hpp"

namespace netgear::wire {

MatGeometry geometry_for(const std::vector<std::size_t>& shape) {
  MatGeometry g;
  auto as_int = [](std::size_t v) { return static_cast<int>(v); };
  switch (shape.size()) {
    case 0: g.sizes = {1, 1}; break;
    case 1: g.sizes = {1, as_int(shape[0])}; break;
    case 2: g.sizes = {as_int(shape[0]), as_int(shape[1])}; break;
    default:
      if (shape.size() == 3 && shape[2] >= 1 && shape[2] <= CV_CN_MAX) {
        g.sizes = {as_int(shape[0]), as_int(shape[1])};
        g.channels = as_int(shape[2]);
      } else {
        for (auto d : shape) g.sizes.push_back(as_int(d));
      }
  }
  return g;
}

void describe_raw(const Frame& frame, FrameHeader& header) {
  header.dtype = std::string(dtype_name(frame.dtype()));
  header.shape = frame.shape();
}

Dtype validate_raw(const FrameHeader& header, std::size_t payload_size) {
  auto dtype = dtype_from_name(header.dtype);
  if (!dtype) throw WireError("header dtype '" + header.dtype + "' is not one netgear can carry");
  if (!header.shape) throw WireError("raw frame without a shape");
  std::size_t expected = dtype_size(*dtype);
  for (auto dim : *header.shape) {
    if (dim != 0 && expected > std::numeric_limits<std::size_t>::max() / dim)
      throw WireError("header shape overflows the address space");
    expected *= dim;
  }
  if (expected != payload_size)
    throw WireError("header shape and dtype " + header.dtype + " need " + std::to_string(expected) +
                    " bytes but the payload has " + std::to_string(payload_size));
  return *dtype;
}

Frame raw_frame(const FrameHeader& header, Dtype dtype, void* data, std::shared_ptr<void> owner) {
  return frame_over(data, *header.shape, dtype, std::move(owner));
}

Frame frame_over(void* data, const std::vector<std::size_t>& shape, Dtype dtype, std::shared_ptr<void> owner) {
  auto g = geometry_for(shape);
  const int type = CV_MAKETYPE(dtype_cv_depth(dtype), g.channels);
  for (int s : g.sizes) {
    if (s == 0) {  // zero-sized arrays carry no bytes; OpenCV cannot wrap them
      return Frame(cv::Mat(static_cast<int>(g.sizes.size()), g.sizes.data(), type), shape, dtype);
    }
  }
  cv::Mat mat = wrap_foreign(data, g.sizes, type, std::move(owner));
  return Frame(std::move(mat), shape, dtype);
}

}  // namespace netgear::wire
