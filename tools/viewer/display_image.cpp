#include "viewer/display_image.hpp"

#include <cfloat>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace netgear::tools {
namespace {

// The 2-D plane [:, :, 0, ...] of an n-dimensional Mat, sharing its pixels.
cv::Mat first_plane(const cv::Mat& frame) {
  if (frame.dims <= 2) return frame;
  const int sizes[] = {frame.size[0], frame.size[1]};
  const std::size_t steps[] = {frame.step[0], frame.step[1]};
  return cv::Mat(2, sizes, frame.type(), frame.data, steps);
}

cv::Mat pick_channels(const cv::Mat& frame) {
  const int channels = frame.channels();
  if (channels == 1 || channels == 3) return frame;
  if (channels == 4) {  // BGRA -> BGR, any depth (cvtColor handles only some)
    cv::Mat bgr(frame.size(), CV_MAKETYPE(frame.depth(), 3));
    const int from_to[] = {0, 0, 1, 1, 2, 2};
    cv::mixChannels(&frame, 1, &bgr, 1, from_to, 3);
    return bgr;
  }
  cv::Mat first;
  cv::extractChannel(frame, first, 0);
  return first;
}

// Min-max stretch to 8 bits over the finite values.
cv::Mat stretch_to_8bit(const cv::Mat& frame) {
  cv::Mat values;
  frame.convertTo(values, CV_32F);  // also makes it continuous
  cv::Mat flat = values.reshape(1, 1);
  cv::Mat finite;  // NaN compares false, so it is left out like the infinities
  cv::compare(cv::abs(flat), FLT_MAX, finite, cv::CMP_LE);
  double low = 0;
  double high = 0;
  if (cv::countNonZero(finite) > 0) cv::minMaxLoc(flat, &low, &high, nullptr, nullptr, finite);
  cv::Mat out;
  if (high > low) {
    const double scale = 255.0 / (high - low);
    values.convertTo(out, CV_8U, scale, -low * scale);
    // saturate_cast gives NaN and infinities no defined value: NaN and -inf
    // show as black, +inf as white.
    out.setTo(0, cv::Mat(values != values));
    out.setTo(255, cv::Mat(values > FLT_MAX));
    out.setTo(0, cv::Mat(values < -FLT_MAX));
  } else {
    out = cv::Mat::zeros(values.size(), CV_8UC(values.channels()));
  }
  return out;
}

}  // namespace

cv::Mat to_display_image(const cv::Mat& frame) {
  if (frame.empty()) return {};
  cv::Mat image = pick_channels(first_plane(frame));
  if (image.depth() != CV_8U) image = stretch_to_8bit(image);
  return image;
}

}  // namespace netgear::tools
