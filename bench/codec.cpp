// netgear_bench_codec: what compression costs per frame on this machine —
// TurboJPEG as vidgear >= 0.2 uses it (q90, 4:2:2, fast DCT) next to the
// OpenCV PNG and BMP of vidgear 0.1.x — on synthetic camera-like frames
// (gradients, shapes, text, sensor noise: neither flat nor pure noise, which
// would flatter or punish the codecs). Single thread, no sockets; H.264
// (libx264 through libavcodec, as video_codec uses it) encodes a moving
// sequence in order, as a stream does, and may use threads of its own.
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
#include "video_codec/codecs.hpp"
#include "video_codec/decoder.hpp"
#include "video_codec/encoder.hpp"

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
  int video_frames = 150;    // a 5 s stream at 30 fps
  long long bitrate = 7'000'000;
  std::string preset = "superfast";
  bool as_json = false;
};

struct Result {
  std::string codec;
  double encode_ms = 0;
  double decode_ms = 0;
  double bytes = 0;
  int frames = 0;
  double psnr = 0;    // of the decoded frames against the sent ones (B, G, R), dB
  double psnr_y = 0;  // the same on luma (BT.601 Y), as codecs are compared
};

// PSNR of the luma planes: independent noise in B, G and R is partly chroma,
// which any 4:2:0 codec halves in each direction, so BGR PSNR is capped
// near 35 dB on this scene before a bit is coded; luma is what codecs are
// compared on (x264 and FFmpeg report it as PSNR Y).
double psnr_y(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat ya, yb;
  cv::cvtColor(a, ya, cv::COLOR_BGR2GRAY);
  cv::cvtColor(b, yb, cv::COLOR_BGR2GRAY);
  return cv::PSNR(ya, yb);
}

// A video codec: the frames in order (a stream), then decoded in order.
Result measure_video(const std::string& name, const std::vector<cv::Mat>& sequence,
                     const netgear::video_codec::EncoderParams& params) {
  netgear::video_codec::VideoEncoder encoder(params);
  netgear::video_codec::VideoDecoder decoder(params.codec, -1);
  std::vector<std::vector<unsigned char>> packets;
  Result r{name + " via ", 0, 0, 0, static_cast<int>(sequence.size()), 0, 0};
  double total_bytes = 0;
  auto start = steady_clock::now();
  for (std::size_t i = 0; i < sequence.size(); ++i)
    for (const auto& p : encoder.encode(sequence[i], false, i)) {
      total_bytes += static_cast<double>(p.bytes.size());
      packets.push_back(p.bytes);
    }
  r.encode_ms = duration<double, std::milli>(steady_clock::now() - start).count() / r.frames;
  r.codec += encoder.encoder_name();
  r.bytes = total_bytes / r.frames;
  std::vector<cv::Mat> decoded;
  start = steady_clock::now();
  for (const auto& p : packets)
    if (auto got = decoder.decode(p, sequence[0].cols, sequence[0].rows, false)) decoded.push_back(*got);
  r.decode_ms = duration<double, std::milli>(steady_clock::now() - start).count() / r.frames;
  for (std::size_t i = 0; i < decoded.size(); ++i) {
    r.psnr += cv::PSNR(decoded[i], sequence[i]);
    r.psnr_y += psnr_y(decoded[i], sequence[i]);
  }
  r.psnr /= static_cast<double>(std::max<std::size_t>(1, decoded.size()));
  r.psnr_y /= static_cast<double>(std::max<std::size_t>(1, decoded.size()));
  return r;
}

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
  Result r{name, 0, 0, 0, frames, 0, 0};
  std::vector<unsigned char> out;
  double total_bytes = 0;
  for (std::size_t k = 0; k < scenes.size(); ++k) {
    const cv::Mat back = decode(encoded[k]);
    r.psnr += cv::PSNR(back, scenes[k]);
    r.psnr_y += psnr_y(back, scenes[k]);
  }
  r.psnr /= static_cast<double>(scenes.size());
  r.psnr_y /= static_cast<double>(scenes.size());
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
  app.add_option("--video-frames", c.video_frames, "H.264 frames, encoded in order")->check(CLI::Range(10, 100000));
  app.add_option("--bitrate", c.bitrate, "H.264 bitrate of the bitrate row, bits/s")->check(CLI::Range(10000, 1000000000));
  app.add_option("--preset", c.preset, "libx264 preset of the H.264 rows")->capture_default_str();
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

  if (netgear::video_codec::available()) {
    std::vector<cv::Mat> sequence;
    for (int i = 0; i < c.video_frames; ++i) sequence.push_back(netgear::bench::scene(c.width, c.height, i));
    netgear::video_codec::EncoderParams quality{.encoders = {"libx264"}, .preset = c.preset};
    results.push_back(measure_video("h264 crf 23 " + c.preset, sequence, quality));
    netgear::video_codec::EncoderParams rate{.encoders = {"libx264"}, .bitrate = c.bitrate, .preset = c.preset};
    results.push_back(measure_video("h264 " + std::to_string(c.bitrate / 1000) + " kbit/s " + c.preset, sequence, rate));
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
                     {"psnr_db", r.psnr},
                     {"psnr_y_db", r.psnr_y},
                     {"ratio", raw / r.bytes}});
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
  }
  std::printf("netgear codec cost: %dx%dx3 uint8 synthetic camera-like frames (%.2f MB raw), one thread\n\n"
              "%-46s %7s %10s %10s %12s %7s %8s %8s\n",
              c.width, c.height, raw / 1e6, "codec", "frames", "encode ms", "decode ms", "bytes/frame", "ratio",
              "PSNR Y", "PSNR BGR");
  for (const auto& r : results)
    std::printf("%-46s %7d %10.3f %10.3f %12.0f %6.1fx %8.2f %8.2f\n", r.codec.c_str(), r.frames, r.encode_ms,
                r.decode_ms, r.bytes, raw / r.bytes, r.psnr_y, r.psnr);
  return 0;
}
