// The cases of the link benchmark, and the frames every case sends.
#include <cstdio>
#include <stdexcept>

#include "link/link.hpp"
#include "netgear/error.hpp"
#include "netgear/options.hpp"
#include "scene.hpp"

namespace netgear::bench::link {

std::vector<Case> cases(const Params& p) {
  // The one table: name, what it is, the sender's options.
  return {
      {"raw", "no compression", json::object()},
      {"jpeg90", "JPEG q90", {{"jpeg_compression", true}, {"jpeg_compression_quality", 90}}},
      {"jpeg70", "JPEG q70", {{"jpeg_compression", true}, {"jpeg_compression_quality", 70}}},
      {"h264", "H.264 at --bitrate", {{"video_codec", "h264"}, {"video_bitrate", p.bitrate}}},
  };
}

Case find_case(const Params& p, const std::string& name) {
  std::string known;
  for (auto& c : cases(p)) {
    if (c.name == name) return c;
    known += (known.empty() ? "" : ", ") + c.name;
  }
  throw std::invalid_argument("unknown case '" + name + "' (known: " + known + ")");
}

std::string unavailable(const Case& c) {
  netgear::Settings settings;
  try {
    for (auto& [key, value] : c.options.items()) settings.options.set(key, value);
    settings.validate(netgear::Role::sender);  // a build without libavcodec refuses video_codec here
    return {};
  } catch (const netgear::OptionError& e) {
    // Until this build has the option (the H.264 codec is an optional build
    // component, and younger than this benchmark), the case is reported, not run.
    std::string why = e.what();
    why = why.substr(0, why.find("; known options"));  // the key, not the list of every key
    return "not built (" + why + ")";
  }
}

std::vector<cv::Mat> render_cycle(const Params& p) {
  std::vector<cv::Mat> frames;
  frames.reserve(static_cast<std::size_t>(p.cycle));
  for (int i = 0; i < p.cycle; ++i) frames.push_back(scene(p.width, p.height, i));
  return frames;
}

void emit(const json& line) {
  std::printf("%s\n", line.dump().c_str());
  std::fflush(stdout);
}

}  // namespace netgear::bench::link
