#pragma once
// The throughput benchmark's cases: frame sizes ("WxHxC", "WxHxCu16"), the
// configuration from the command line, one case (mode x size x protocol x
// pattern), and the camera-like test frame the C++ implementations send.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core/mat.hpp>

#include "netgear/options.hpp"
#include "throughput/meters.hpp"

namespace netgear::bench {

using json = nlohmann::json;

enum class Codec { none, jpeg, png };

const char* codec_name(Codec codec);

// How a run places its two sides: two forked processes, or two threads of one
// forked process (one ZeroMQ context; the only way inproc works).
enum class Mode { process, threads };

const char* mode_name(Mode mode);

/// "process" or "threads"; throws std::invalid_argument otherwise.
Mode parse_mode(const std::string& text);


// One frame size: "WxHxC" (uint8) or "WxHxCu16" (uint16), C = 1 or 3.
struct Size {
  int width = 0;
  int height = 0;
  int channels = 3;
  bool u16 = false;
  std::string label;
  [[nodiscard]] std::size_t bytes() const {
    return static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * static_cast<std::size_t>(channels) *
           (u16 ? 2U : 1U);
  }
  [[nodiscard]] const char* dtype() const { return u16 ? "uint16" : "uint8"; }
  // numpy shape as netgear sends it: [H, W] for one channel, [H, W, C] otherwise.
  [[nodiscard]] json shape() const {
    return channels == 1 ? json{height, width} : json{height, width, channels};
  }
};

Size parse_size(const std::string& text);


struct Config {
  int frames = 500;
  int warmup = 50;
  std::vector<std::string> size_specs = {"1280x720x3"};
  std::vector<Size> sizes;
  std::vector<int> patterns = {0, 1, 2};
  std::vector<std::string> protocols = {"tcp"};  // tcp, ipc, inproc (threads mode only)
  std::vector<std::string> modes = {"process"};  // process, threads
  bool as_json = false;
  bool jpeg = false;         // netgear sends JPEG q90 4:2:2 (vidgear 0.3's default); no raw ceiling then
  bool png = false;          // netgear sends PNG (compression_format ".png"); no raw ceiling then
  bool secure = false;       // also measure netgear with StoneHouse (CURVE encryption)
  bool smoke = false;        // one tiny run of everything, a few seconds
  bool python = true;        // also the plain-pyzmq peer (process mode, tcp/ipc, raw frames)
  int encode_threads = 1;    // netgear with --jpeg / --png: its sender's encode_threads
  std::string policy;        // netgear receiver's overflow_policy; "" = its default
  double process_ms = 0;     // every receiver spends this long on each frame after recv()
  double send_fps = 0;       // every sender sends at most this many frames per second; 0 = flat out
  std::string python_exe;    // the interpreter for it (Debian's /usr/bin/python3)
  std::string python_script; // bench/throughput/pyzmq_peer.py in the source tree
  std::string work_dir;      // temporary: key store and ipc sockets
  [[nodiscard]] Codec codec() const { return jpeg ? Codec::jpeg : png ? Codec::png : Codec::none; }
  [[nodiscard]] std::string key_location() const { return work_dir + "/keys"; }
};

/// What is wrong with a configuration, naming the option, or nullopt
/// (--protocol inproc needs --mode threads).
std::optional<std::string> config_error(const Config& c);

// One case: what every implementation is measured on.
struct Case {
  Size size;
  int pattern = 0;
  std::string protocol;
  bool secure = false;
  Mode mode = Mode::process;
  /// Threads of one process read their own thread's CPU clock.
  [[nodiscard]] CpuScope cpu_scope() const { return mode == Mode::threads ? CpuScope::thread : CpuScope::process; }
};

// A fresh ipc socket path in the work folder, one per run (made in the
// parent: a counter bumped in a child would not survive it). Unique in the
// process too, so inproc runs use it as their socket name.
std::string fresh_ipc_path(const Config& c, const char* impl);


netgear::Options options_for(const Config& c, bool secure);


// A frame like a camera's: gradients, shapes and a little sensor noise (pure
// noise would be an unfair JPEG case, a flat frame an unfair easy one).
cv::Mat camera_like(int width, int height);


// The test frame of a size: the camera-like frame, grey for one channel,
// scaled to the full 16-bit range for uint16 (like a depth camera's frame).
cv::Mat make_frame(const Size& s);


// Why netgear cannot send this size with this codec, or nullopt if it can.
std::optional<std::string> unsupported(const Size& s, Codec codec);

}  // namespace netgear::bench
