// netgear_bench_codec: what compression costs per frame on this machine —
// TurboJPEG as vidgear >= 0.2 uses it (q90, 4:2:2, fast DCT) next to the
// OpenCV PNG and BMP of vidgear 0.1.x — on synthetic camera-like frames
// (gradients, shapes, text, sensor noise: neither flat nor pure noise, which
// would flatter or punish the codecs). Single thread, no sockets.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "codec/image.hpp"
#include "codec/jpeg.hpp"
#include "scene.hpp"

namespace {

using namespace std::chrono;
using json = nlohmann::json;
namespace codec = netgear::codec;

struct Config {
  int frames = 300;
  int warmup = 30;
  int width = 1280;
  int height = 720;
  int quality = 90;
  int lossless_frames = 30;  // PNG is slow; fewer frames say as much
  bool as_json = false;
};

struct Result {
  std::string codec;
  double encode_ms = 0;
  double decode_ms = 0;
  double bytes = 0;
  int frames = 0;
};

// Times `encode` over the frames (cycled), then `decode` over what it made.
Result measure(const std::string& name, const std::vector<cv::Mat>& scenes, int warmup, int frames,
               const std::function<void(const cv::Mat&, std::vector<unsigned char>&)>& encode,
               const std::function<cv::Mat(const std::vector<unsigned char>&)>& decode) {
  std::vector<std::vector<unsigned char>> encoded(scenes.size());
  for (std::size_t k = 0; k < scenes.size(); ++k) encode(scenes[k], encoded[k]);
  for (int i = 0; i < warmup; ++i) {
    const auto k = static_cast<std::size_t>(i) % scenes.size();
    encode(scenes[k], encoded[k]);
    (void)decode(encoded[k]);
  }
  Result r{name, 0, 0, 0, frames};
  std::vector<unsigned char> out;
  double total_bytes = 0;
  auto start = steady_clock::now();
  for (int i = 0; i < frames; ++i) {
    encode(scenes[static_cast<std::size_t>(i) % scenes.size()], out);
    total_bytes += static_cast<double>(out.size());
  }
  r.encode_ms = duration<double, std::milli>(steady_clock::now() - start).count() / frames;
  r.bytes = total_bytes / frames;
  start = steady_clock::now();
  for (int i = 0; i < frames; ++i) (void)decode(encoded[static_cast<std::size_t>(i) % encoded.size()]);
  r.decode_ms = duration<double, std::milli>(steady_clock::now() - start).count() / frames;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"netgear frame compression cost: TurboJPEG next to OpenCV PNG and BMP"};
  Config c;
  app.add_option("--frames", c.frames, "timed JPEG frames")->check(CLI::Range(1, 1000000));
  app.add_option("--lossless-frames", c.lossless_frames, "timed PNG / BMP frames")->check(CLI::Range(1, 1000000));
  app.add_option("--warmup", c.warmup, "frames run before timing")->check(CLI::Range(1, 100000));
  app.add_option("--width", c.width)->check(CLI::Range(16, 8192));
  app.add_option("--height", c.height)->check(CLI::Range(16, 8192));
  app.add_option("--quality", c.quality, "JPEG quality")->check(CLI::Range(1, 100));
  app.add_flag("--json", c.as_json, "print JSON instead of a table");
  CLI11_PARSE(app, argc, argv);

  std::vector<cv::Mat> scenes;
  for (int i = 0; i < 8; ++i) scenes.push_back(netgear::bench::scene(c.width, c.height, i));
  const double raw = static_cast<double>(scenes[0].total() * scenes[0].elemSize());

  codec::JpegParams jpeg;
  jpeg.quality = c.quality;
  std::vector<Result> results;
  results.push_back(measure(
      "jpeg (turbojpeg q" + std::to_string(c.quality) + " 4:2:2 fastdct)", scenes, c.warmup, c.frames,
      [&](const cv::Mat& f, std::vector<unsigned char>& out) { codec::encode_jpeg(f, jpeg, out); },
      [](const std::vector<unsigned char>& b) { return codec::decode_jpeg(b, "BGR", true, false); }));
  for (const char* ext : {".png", ".bmp"}) {
    const int lossless_warmup = std::min(c.warmup, 3);
    results.push_back(measure(
        std::string(ext + 1) + " (opencv defaults)", scenes, lossless_warmup, c.lossless_frames,
        [ext](const cv::Mat& f, std::vector<unsigned char>& out) { codec::encode_image(f, ext, {}, out); },
        [](const std::vector<unsigned char>& b) { return codec::decode_image(b, cv::IMREAD_COLOR); }));
  }

  if (c.as_json) {
    json out = json::array();
    for (const auto& r : results)
      out.push_back({{"codec", r.codec},
                     {"frame", {c.height, c.width, 3}},
                     {"frames", r.frames},
                     {"encode_ms", r.encode_ms},
                     {"decode_ms", r.decode_ms},
                     {"bytes", r.bytes},
                     {"ratio", raw / r.bytes}});
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
  }
  std::printf("netgear codec cost: %dx%dx3 uint8 synthetic camera-like frames (%.2f MB raw), one thread\n\n"
              "%-38s %7s %10s %10s %12s %7s\n",
              c.width, c.height, raw / 1e6, "codec", "frames", "encode ms", "decode ms", "bytes/frame", "ratio");
  for (const auto& r : results)
    std::printf("%-38s %7d %10.3f %10.3f %12.0f %6.1fx\n", r.codec.c_str(), r.frames, r.encode_ms, r.decode_ms,
                r.bytes, raw / r.bytes);
  return 0;
}
