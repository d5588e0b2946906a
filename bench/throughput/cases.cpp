#include "throughput/cases.hpp"

#include <algorithm>
#include <regex>
#include <stdexcept>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "scene.hpp"

namespace netgear::bench {

const char* codec_name(Codec codec) { return codec == Codec::jpeg ? "jpeg" : codec == Codec::png ? "png" : "none"; }

const char* mode_name(Mode mode) { return mode == Mode::threads ? "threads" : "process"; }

Mode parse_mode(const std::string& text) {
  if (text == "process") return Mode::process;
  if (text == "threads") return Mode::threads;
  throw std::invalid_argument("'" + text + "' is not a mode; use process or threads");
}

std::optional<std::string> config_error(const Config& c) {
  auto has = [](const std::vector<std::string>& list, const char* item) {
    return std::find(list.begin(), list.end(), item) != list.end();
  };
  if (has(c.protocols, "inproc") && !has(c.modes, "threads"))
    return "--protocol inproc needs --mode threads: inproc connects threads of one process "
           "(use --mode threads, or --mode process,threads)";
  if (c.encode_threads > 1 && c.codec() == Codec::none)
    return "--encode-threads needs --jpeg or --png: raw frames are not encoded";
  if (c.policy == "block" && std::find(c.patterns.begin(), c.patterns.end(), 2) != c.patterns.end())
    return "--policy block cannot pace a PUB/SUB publisher: leave pattern 2 out, or use drop_oldest / latest_only";
  return std::nullopt;
}

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

// The test frame of a size: the codec benchmarks' camera-like scene, grey for one channel,
// scaled to the full 16-bit range for uint16 (like a depth camera's frame).
cv::Mat make_frame(const Size& s) {
  cv::Mat frame = scene(s.width, s.height, 0);
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
