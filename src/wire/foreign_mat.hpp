#pragma once
// A cv::Mat over memory that something else owns (a received ZeroMQ message),
// without copying. The owner is released when the last Mat referring to the
// memory goes away — like the numpy allocator in OpenCV's Python bindings.

#include <memory>
#include <vector>

#include <opencv2/core/mat.hpp>

namespace netgear::wire {

/// A Mat of `sizes` x `type` over `data` (C-contiguous). `owner` is kept alive
/// by the Mat and every Mat sharing its data, then released.
cv::Mat wrap_foreign(void* data, const std::vector<int>& sizes, int type, std::shared_ptr<void> owner);

}  // namespace netgear::wire
