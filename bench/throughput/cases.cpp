#include "throughput/cases.hpp"

#include <regex>
#include <stdexcept>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace netgear::bench {

const char* codec_name(Codec codec) { return codec == Codec::jpeg ? "jpeg" : codec == Codec::png ? "png" : "none"; }

Size parse_size(const std::string& text) {
  static const std::regex form(R"((\d{2,4})x(\d{2,4})x([13])(u8|u16)?)");
  std::smatch m;
  if (!std::regex_match(text, m, form))
    throw std::invalid_argument("'" + text + "' is not WxHxC or WxHxCu16 (C = 1 or 3)");
  Size s{std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3]), m[4] == "u16", text};
  if (s.width < 16 || s.height < 16 || s.width > 8192 || s.height > 8192)
    throw std::invalid_argument("'" + text + "': width and height must be 16..8192");
  return s;
}

// A fresh ipc socket path in the work folder, one per run (made in the
// parent: a counter bumped in a child would not survive it).
std::string fresh_ipc_path(const Config& c, const char* impl) {
  static int id = 0;
  return c.work_dir + "/" + impl + std::to_string(++id);
}

netgear::Options options_for(const Config& c, bool secure) {
  netgear::Options options;
  if (secure) {
    options.secure_mode = netgear::SecureMode::stonehouse;
    options.custom_cert_location = c.key_location();
  }
  return options;
}

// A frame like a camera's: gradients, shapes and a little sensor noise (pure
// noise would be an unfair JPEG case, a flat frame an unfair easy one).
cv::Mat camera_like(int width, int height) {
  cv::Mat frame(height, width, CV_8UC3);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      frame.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<uchar>(x * 255 / width), static_cast<uchar>(y * 255 / height),
                                            static_cast<uchar>((x + y) * 255 / (width + height)));
  for (int i = 0; i < 12; ++i)
    cv::circle(frame, {(i * 97) % width, (i * 61) % height}, height / 8, cv::Scalar(i * 20, 255 - i * 20, 128), -1);
  cv::Mat noise(frame.size(), CV_8UC3);
  cv::randn(noise, 0, 4);
  frame += noise;
  return frame;
}

// The test frame of a size: the camera-like frame, grey for one channel,
// scaled to the full 16-bit range for uint16 (like a depth camera's frame).
cv::Mat make_frame(const Size& s) {
  cv::Mat frame = camera_like(s.width, s.height);
  if (s.channels == 1) cv::cvtColor(frame, frame, cv::COLOR_BGR2GRAY);
  if (s.u16) frame.convertTo(frame, CV_16U, 257.0);
  return frame;
}

// Why netgear cannot send this size with this codec, or nullopt if it can.
std::optional<std::string> unsupported(const Size& s, Codec codec) {
  if (codec == Codec::jpeg && (s.u16 || s.channels != 3)) return "JPEG takes 3-channel uint8 frames only";
  return std::nullopt;
}

}  // namespace netgear::bench
