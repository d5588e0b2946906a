#pragma once
// Turning any frame netgear carries into something a JPEG encoder takes.

#include <opencv2/core/mat.hpp>

namespace netgear::tools {

/// A displayable view of `frame`: 8-bit, 1 or 3 channels (BGR).
///
/// - 8-bit 1 or 3 channels: returned as is (shares the pixels, no copy).
/// - 4 channels: taken as BGRA, alpha dropped.
/// - 2 or more than 4 channels: the first channel, as greyscale.
/// - any other depth (8S, 16U, 16S, 32S, 16F, 32F, 64F): stretched min-max to
///   0..255 over the finite values (one range for all channels); NaN and
///   -inf show as black, +inf as white; a constant image becomes black.
/// - an n-dimensional Mat (dims > 2): the plane [:, :, 0, ..., 0].
/// An empty frame gives an empty Mat. Throws cv::Exception only on OpenCV
/// failures (e.g. out of memory). Pure function, thread-safe.
cv::Mat to_display_image(const cv::Mat& frame);

}  // namespace netgear::tools
