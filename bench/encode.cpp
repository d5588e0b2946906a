// netgear_bench_encode: the sender's JPEG encode pipeline on its own.
//
// A netgear Sender (JPEG q90, 4:2:2, fast DCT: vidgear's setting) with
// encode_threads = 1, 2, ... sends synthetic camera-like frames over PAIR to
// a raw cppzmq sink in the same process that replies at once and decodes
// nothing, so the figure is what the sender's encoding allows. The sink also
// checks that the frames arrive in the order send() was called.
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <zmq.hpp>

#include "bench_stats.hpp"
#include "netgear/sender.hpp"
#include "scene.hpp"

namespace {

using namespace std::chrono;
using json = nlohmann::json;

struct Config {
  int frames = 400;
  int warmup = 20;
  int width = 1280;
  int height = 720;
  std::vector<int> threads{1, 2};
  bool as_json = false;
};

struct Result {
  int threads = 0;
  double fps = 0;
  double cpu_ms_per_frame = 0;  // the whole process: encoders, sender, sink
  int out_of_order = 0;
};

// Replies "ok" to every frame (vidgear's plain reply) and counts frames whose
// message (their send() index) is not one more than the last.
class Sink {
 public:
  explicit Sink(zmq::context_t& ctx) : socket_(ctx, zmq::socket_type::pair) {
    socket_.bind("tcp://127.0.0.1:*");
    endpoint_ = socket_.get(zmq::sockopt::last_endpoint);
    thread_ = std::thread([this] { run(); });
  }
  ~Sink() { thread_.join(); }
  Sink(const Sink&) = delete;
  Sink& operator=(const Sink&) = delete;

  [[nodiscard]] const std::string& endpoint() const { return endpoint_; }
  [[nodiscard]] int out_of_order() const { return out_of_order_; }  // after the destructor's join

 private:
  void run() {
    socket_.set(zmq::sockopt::rcvtimeo, 10000);  // a stuck sender ends the run, not the machine
    long last = -1;
    for (;;) {
      zmq::message_t header, payload;
      if (!socket_.recv(header)) throw std::runtime_error("sink: no frame for 10 s");
      const json h = json::parse(header.to_string_view());
      if (!header.more()) return;  // the termination message
      (void)socket_.recv(payload);
      const long index = h.value("message", -1L);
      if (index != last + 1) ++out_of_order_;
      last = index;
      socket_.send(zmq::str_buffer("ok"), zmq::send_flags::none);
    }
  }

  zmq::socket_t socket_;
  std::string endpoint_;
  int out_of_order_ = 0;
  std::thread thread_;
};

Result measure(const Config& c, const std::vector<cv::Mat>& scenes, int threads) {
  zmq::context_t ctx;
  Result r;
  r.threads = threads;
  {
    Sink sink(ctx);
    netgear::Settings s;
    s.protocol = netgear::Protocol::tcp;
    s.pattern = netgear::Pattern::pair;
    const auto& e = sink.endpoint();
    s.address = e.substr(6, e.rfind(':') - 6);
    s.port = e.substr(e.rfind(':') + 1);
    s.options.jpeg_compression = true;
    s.options.encode_threads = threads;
    netgear::Sender sender(s);
    auto frame = [&](int i) { return netgear::Frame(scenes[static_cast<std::size_t>(i) % scenes.size()]); };
    for (int i = 0; i < c.warmup; ++i) (void)sender.send(frame(i), i);
    const double cpu0 = netgear::bench::cpu_seconds();
    const auto start = steady_clock::now();
    for (int i = c.warmup; i < c.warmup + c.frames; ++i) (void)sender.send(frame(i), i);
    sender.close();  // waits for the queued frames to go out
    const double seconds = duration<double>(steady_clock::now() - start).count();
    r.fps = c.frames / seconds;
    r.cpu_ms_per_frame = (netgear::bench::cpu_seconds() - cpu0) * 1000.0 / c.frames;
    if (sender.stats().frames_sent != static_cast<std::uint64_t>(c.warmup + c.frames))
      throw std::runtime_error("only " + std::to_string(sender.stats().frames_sent) + " frames went out");
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"netgear sender JPEG encode throughput, by number of encode threads"};
  Config c;
  app.add_option("--frames", c.frames, "timed frames per run")->check(CLI::Range(1, 1000000));
  app.add_option("--warmup", c.warmup, "frames sent before timing")->check(CLI::Range(0, 100000));
  app.add_option("--width", c.width)->check(CLI::Range(16, 8192));
  app.add_option("--height", c.height)->check(CLI::Range(16, 8192));
  app.add_option("--threads", c.threads, "encode_threads values to run")->delimiter(',')->check(CLI::Range(1, 16));
  app.add_flag("--json", c.as_json, "print JSON instead of a table");
  CLI11_PARSE(app, argc, argv);

  try {
    std::vector<cv::Mat> scenes;
    for (int i = 0; i < 8; ++i) scenes.push_back(netgear::bench::scene(c.width, c.height, i));
    std::vector<Result> results;
    for (int t : c.threads) results.push_back(measure(c, scenes, t));

    const double base = results.front().fps;
    int disorder = 0;
    for (const auto& r : results) disorder += r.out_of_order;
    if (c.as_json) {
      json out = json::array();
      for (const auto& r : results)
        out.push_back({{"frame", {c.height, c.width, 3}},
                       {"encode_threads", r.threads},
                       {"fps", r.fps},
                       {"speedup", r.fps / base},
                       {"cpu_ms_per_frame", r.cpu_ms_per_frame},
                       {"out_of_order", r.out_of_order}});
      std::printf("%s\n", out.dump(2).c_str());
    } else {
      std::printf("netgear sender, JPEG q90 4:2:2 fastdct, %dx%dx3 camera-like frames, PAIR over tcp loopback\n"
                  "to a sink that replies without decoding; %d frames per run on %u cores\n\n"
                  "%14s %9s %9s %14s %13s\n",
                  c.width, c.height, c.frames, std::thread::hardware_concurrency(), "encode_threads", "fps",
                  "speedup", "cpu ms/frame", "out of order");
      for (const auto& r : results)
        std::printf("%14d %9.1f %8.2fx %14.2f %13d\n", r.threads, r.fps, r.fps / base, r.cpu_ms_per_frame,
                    r.out_of_order);
    }
    return disorder == 0 ? 0 : 1;  // frames out of order are a bug, not a figure
  } catch (const std::exception& e) {
    std::fprintf(stderr, "netgear_bench_encode: %s\n", e.what());
    return 1;
  }
}
