#pragma once
// A synthetic camera-like frame for the codec benchmarks: a lit gradient
// backdrop, shapes that move with the index, a caption, and Gaussian sensor
// noise — neither flat nor pure noise, which would flatter or punish a codec.
// The noise is seeded by the index, so frame i is the same bytes in every
// process: a receiver can regenerate the exact frame a sender sent
// (bench/link measures picture quality that way).

#include <cstdint>
#include <string>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace netgear::bench {

/// Frame `index` of the scene, width x height, CV_8UC3 (BGR).
inline cv::Mat scene(int width, int height, int index) {
  cv::Mat frame(height, width, CV_8UC3);
  for (int y = 0; y < height; ++y) {
    auto* row = frame.ptr<cv::Vec3b>(y);
    for (int x = 0; x < width; ++x)
      row[x] = cv::Vec3b(cv::saturate_cast<uchar>(40 + 150 * x / width), cv::saturate_cast<uchar>(60 + 120 * y / height),
                         cv::saturate_cast<uchar>(200 - 100 * (x + y) / (width + height)));
  }
  const int shift = index * 7;
  cv::circle(frame, {width / 3 + shift % 200, height / 2}, height / 5, {30, 30, 220}, cv::FILLED, cv::LINE_AA);
  cv::rectangle(frame, cv::Rect(width / 2, height / 4 + shift % 100, width / 4, height / 3), {20, 200, 60}, cv::FILLED);
  cv::ellipse(frame, {3 * width / 4, 3 * height / 4}, {width / 8, height / 10}, index * 3.0, 0, 360, {240, 240, 240}, 6,
              cv::LINE_AA);
  cv::putText(frame, "netgear frame " + std::to_string(index), {width / 20, height / 10}, cv::FONT_HERSHEY_SIMPLEX,
              height / 400.0, {255, 255, 255}, 2, cv::LINE_AA);
  cv::GaussianBlur(frame, frame, {3, 3}, 0);
  cv::Mat noise(frame.size(), CV_16SC3);
  cv::RNG rng(0x6e65746765617200ULL + static_cast<std::uint64_t>(index));  // not the global RNG: per index
  rng.fill(noise, cv::RNG::NORMAL, 0, 4);
  frame.convertTo(frame, CV_16SC3);
  frame += noise;
  frame.convertTo(frame, CV_8UC3);
  return frame;
}

}  // namespace netgear::bench
