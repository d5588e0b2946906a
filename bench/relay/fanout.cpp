// `netgear_bench_relay fanout`: one 720p JPEG camera at 30 fps -> `netgear
// relay` (its own process) -> N viewers, then the same with one viewer
// process stopped (SIGSTOP). Prints every viewer's fps, the relay's CPU per
// viewer-frame and memory, and the latency the relay adds against a direct
// sender -> viewer path measured first in the same run.
#include <algorithm>
#include <csignal>
#include <iostream>
#include <memory>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bench_stats.hpp"
#include "netgear/sender.hpp"
#include "relay/commands.hpp"
#include "relay/proc_stats.hpp"
#include "relay/viewer_tap.hpp"
#include "scene.hpp"
#include "throughput/spawn.hpp"
#include "transport/context.hpp"

namespace netgear::bench {
namespace {

using namespace std::chrono;

// The camera: the scene's frames at `fps`, JPEG-coded by the sender, until stopped.
class Camera {
 public:
  Camera(Settings settings, int width, int height) : sender_(std::move(settings)) {
    for (int i = 0; i < 30; ++i) frames_.emplace_back(scene(width, height, i));
  }
  [[nodiscard]] std::string endpoint() const { return sender_.endpoints().front(); }

  /// Streams at `fps` once a receiver is there, until destroyed.
  void start(double fps) {
    if (!sender_.wait_for_receiver(seconds(10))) throw std::runtime_error("no receiver subscribed to the camera");
    thread_ = std::thread([this, fps] {
      auto next = steady_clock::now();
      for (std::size_t i = 0; !stop_; ++i) {
        (void)sender_.send(frames_[i % frames_.size()]);  // PUB: a lagging relay input drops it (counted there)
        next += duration_cast<steady_clock::duration>(duration<double>(1.0 / fps));
        std::this_thread::sleep_until(next);
      }
    });
  }
  ~Camera() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  Camera(const Camera&) = delete;
  Camera& operator=(const Camera&) = delete;

 private:
  Sender sender_;
  std::vector<Frame> frames_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

Settings camera_settings(const std::string& endpoint, bool listen) {
  Settings s;
  s.address = "127.0.0.1";
  s.port = PortSpec(endpoint.substr(endpoint.rfind(':') + 1));
  s.pattern = Pattern::pub_sub;
  s.options.jpeg_compression = true;
  s.options.receiver_dials = listen;
  return s;
}

struct Figures {
  std::vector<double> fps;  // per viewer
  Percentiles latency;
  double relay_cpu_us_per_viewer_frame = 0, relay_cpu_percent = 0, rss_mib = 0, hwm_mib = 0;
  std::uint64_t viewer_frames = 0;
};

// One measuring window over the taps (and the relay process, if any).
Figures measure(std::vector<std::unique_ptr<ViewerTap>>& taps, double window, pid_t relay) {
  for (auto& t : taps) t->reset();
  const double cpu0 = relay > 0 ? cpu_seconds(relay) : 0;
  std::this_thread::sleep_for(duration<double>(window));
  Figures f;
  std::vector<double> all;
  for (auto& t : taps) {
    auto w = t->take();
    f.fps.push_back(static_cast<double>(w.frames) / window);
    f.viewer_frames += w.frames;
    all.insert(all.end(), w.latency_ms.begin(), w.latency_ms.end());
  }
  f.latency = percentiles(all);
  if (relay > 0) {
    const double cpu = cpu_seconds(relay) - cpu0;
    f.relay_cpu_percent = 100.0 * cpu / window;
    f.relay_cpu_us_per_viewer_frame = f.viewer_frames ? 1e6 * cpu / static_cast<double>(f.viewer_frames) : 0;
    f.rss_mib = status_mib(relay, "VmRSS");
    f.hwm_mib = status_mib(relay, "VmHWM");
  }
  return f;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

void print_row(const std::string& name, const Figures& f) {
  const auto [lo, hi] = std::minmax_element(f.fps.begin(), f.fps.end());
  fmt::print("{:<34} {:>7} {:>8.1f} {:>8.1f} {:>8.1f} {:>9.2f} {:>9.2f} {:>10.1f} {:>8.1f} {:>8.1f} {:>8.1f}\n", name,
             f.fps.size(), *lo, median(f.fps), *hi, f.latency.p50, f.latency.p99, f.relay_cpu_us_per_viewer_frame,
             f.relay_cpu_percent, f.rss_mib, f.hwm_mib);
}

}  // namespace

int run_fanout(const FanoutArgs& a) {
  auto ctx = transport::shared_context();
  fmt::print("fan-out: {}x{} JPEG q90 at {} fps; {} viewers are threads of this process (a SUB each, subscribed as a "
             "netgear viewer, reading without decoding); one more viewer is a `netgear recv --dial` process that is "
             "SIGSTOPped in the second run; {:.0f} s windows after {:.0f} s warm-up\n\n",
             a.width, a.height, a.fps, a.viewers, a.seconds, a.warmup);

  // The direct path: the camera listens, one viewer dials it.
  Figures direct;
  {
    Camera camera(camera_settings("tcp://127.0.0.1:0", /*listen=*/true), a.width, a.height);
    std::vector<std::unique_ptr<ViewerTap>> taps;
    taps.push_back(std::make_unique<ViewerTap>(*ctx, camera.endpoint(), false));
    camera.start(a.fps);
    std::this_thread::sleep_for(duration<double>(a.warmup));
    direct = measure(taps, a.seconds, -1);
  }

  Spawned relay({a.relay_bin, "relay", "--pattern", "2", "-a", "127.0.0.1", "-p", "0", "--viewer-address",
                 "127.0.0.1", "--viewer-port", "0", "--json", "--interval", "5"},
                "/tmp/netgear-bench-relay.err");
  const auto first = relay.read_line(seconds(10));
  if (!first) throw std::runtime_error("netgear relay did not start: " + relay.stderr_tail());
  const auto start = nlohmann::json::parse(*first);
  const std::string input = start["input"][0], face = start["viewers"];
  const std::string face_port = face.substr(face.rfind(':') + 1);
  std::vector<std::unique_ptr<ViewerTap>> taps;
  for (int i = 0; i < a.viewers; ++i) taps.push_back(std::make_unique<ViewerTap>(*ctx, face, true));
  Spawned stopped({a.relay_bin, "recv", "--pattern", "2", "--dial", "-a", "127.0.0.1", "-p", face_port, "--json"},
                  "/tmp/netgear-bench-viewer.err");
  Camera camera(camera_settings(input, false), a.width, a.height);
  camera.start(a.fps);
  std::this_thread::sleep_for(duration<double>(a.warmup));
  const Figures all_running = measure(taps, a.seconds, relay.pid());
  ::kill(stopped.pid(), SIGSTOP);
  std::this_thread::sleep_for(seconds(1));  // its backlog fills
  const Figures one_stopped = measure(taps, a.seconds, relay.pid());
  ::kill(stopped.pid(), SIGCONT);

  fmt::print("{:<34} {:>7} {:>8} {:>8} {:>8} {:>9} {:>9} {:>10} {:>8} {:>8} {:>8}\n", "run", "viewers", "fps min",
             "fps med", "fps max", "lat p50", "lat p99", "relay us/", "relay", "RSS", "HWM");
  fmt::print("{:<34} {:>7} {:>8} {:>8} {:>8} {:>9} {:>9} {:>10} {:>8} {:>8} {:>8}\n", "", "(taps)", "", "", "", "ms",
             "ms", "viewer-fr", "CPU %", "MiB", "MiB");
  print_row("direct: camera -> 1 viewer", direct);
  print_row(fmt::format("relay -> {} + 1 viewers", a.viewers), all_running);
  print_row(fmt::format("relay -> {} + 1 (that one SIGSTOPped)", a.viewers), one_stopped);
  fmt::print("\nlatency added by the relay (p50 / p99): {:.2f} / {:.2f} ms; with one viewer stopped: {:.2f} / {:.2f} ms\n",
             all_running.latency.p50 - direct.latency.p50, all_running.latency.p99 - direct.latency.p99,
             one_stopped.latency.p50 - direct.latency.p50, one_stopped.latency.p99 - direct.latency.p99);
  return 0;
}

}  // namespace netgear::bench
