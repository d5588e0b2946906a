// `netgear demo`: what a new user runs first. With no arguments it writes a
// short test video, starts a receiver and a sender on tcp loopback, streams the
// video at its own frame rate, prints what the receiver sees every second and
// what happened in the end, and checks every frame arrived in order.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include <fmt/format.h>
#include <opencv2/videoio.hpp>
#include <unistd.h>

#include "commands.hpp"
#include "interrupt.hpp"
#include "netgear/netgear.hpp"
#include "netgear/video_source.hpp"
#include "status.hpp"

namespace netgear::tools {
namespace {

using namespace std::chrono;
namespace fs = std::filesystem;

struct DemoArgs {
  std::string video;
  int pattern = 0;
  bool jpeg = false;
  bool fast = false;
  bool json = false;
  int port = 0;
};

// A 5 s, 640x480, 30 fps clip of the test pattern (MJPG in AVI: OpenCV's
// FFmpeg backend writes and reads it everywhere).
fs::path write_test_video(const fs::path& dir) {
  const fs::path path = dir / "netgear-demo.avi";
  const cv::Size size(640, 480);
  cv::VideoWriter writer(path.string(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 30, size);
  if (!writer.isOpened()) throw Error("cannot write the demo video " + path.string() + ": OpenCV could not open it");
  for (std::uint64_t i = 0; i < 150; ++i) writer.write(test_pattern_frame(size, i));
  return path;
}

struct ReceiverOutcome {
  std::uint64_t frames = 0;
  std::uint64_t out_of_order = 0;
  EndReason end = EndReason::none;
  ReceiverStats stats;
};

// The receiver's loop, on its own thread: one status line per second.
ReceiverOutcome receive_all(Receiver& receiver, StatusReporter& status) {
  ReceiverOutcome out;
  std::optional<std::uint64_t> last_seq;
  while (!interrupted()) {
    auto got = receiver.recv_for(milliseconds(100));
    if (got) {
      ++out.frames;
      if (got->seq && last_seq && *got->seq <= *last_seq) ++out.out_of_order;
      last_seq = got->seq;
      status.one_way_latency(*got);
    } else if (receiver.ended()) {
      break;
    }
    status.update(counters_of(receiver.stats()));
  }
  out.end = receiver.end_reason();
  out.stats = receiver.stats();
  return out;
}

int run_demo(const DemoArgs& a) {
  install_interrupt_handlers();
  const fs::path scratch = fs::temp_directory_path() / fmt::format("netgear-demo-{}", ::getpid());
  struct Cleanup {
    fs::path dir;
    ~Cleanup() { std::error_code ec; fs::remove_all(dir, ec); }
  } cleanup{scratch};
  fs::create_directories(scratch);
  const std::string video = a.video.empty() ? write_test_video(scratch).string() : a.video;

  VideoSourceOptions source_options;
  source_options.realtime = !a.fast;  // play at the video's own rate
  VideoSource source(video, source_options);

  const nlohmann::json options = a.jpeg ? nlohmann::json{{"jpeg_compression", true}} : nlohmann::json::object();
  NetGear client("127.0.0.1", std::to_string(a.port), "tcp", a.pattern, /*receive_mode=*/true, false, options);
  const std::string endpoint = client.receiver().endpoints().front();
  const std::string port = endpoint.substr(endpoint.rfind(':') + 1);
  const auto style = a.json ? StatusStyle::json : StatusStyle::lines;
  auto say = [&](const std::string& text, nlohmann::json event) {
    if (a.json) std::cout << event.dump() << std::endl;
    else std::cout << "netgear demo: " << text << std::endl;
  };
  const auto size = source.frame_size();
  say(fmt::format("streaming {} ({}x{}, {:.0f} fps{}) over {} with {}{}", video, size.width, size.height,
                  source.fps(), a.fast ? ", as fast as possible" : "", endpoint, to_string(pattern_from_int(a.pattern)),
                  a.jpeg ? " and JPEG compression" : ""),
      {{"event", "start"}, {"side", "demo"}, {"video", video}, {"endpoint", endpoint}, {"pattern", a.pattern}});

  StatusReporter receiver_status("receiver", style);
  ReceiverOutcome outcome;
  std::thread receiver_thread([&] { outcome = receive_all(client.receiver(), receiver_status); });

  StatusReporter sender_status("sender", style);  // no update(): the summary only
  SenderStats sent;
  std::uint64_t offered = 0;  // frames read from the video and handed to send()
  {
    NetGear server("127.0.0.1", port, "tcp", a.pattern, false, false, options);
    if (a.pattern == 2) server.sender().wait_for_receiver(seconds(5));
    source.start();
    while (!interrupted()) {
      auto frame = source.read_for(milliseconds(100));
      if (!frame) {
        if (source.ended()) break;
        continue;
      }
      ++offered;
      const auto t0 = steady_clock::now();
      if (server.send(*frame).status == SendStatus::delivered)
        sender_status.latency(duration<double, std::milli>(steady_clock::now() - t0).count());
    }
    server.close();  // the termination: the receiver's stream ends
    sent = server.sender().stats();
  }
  receiver_thread.join();
  client.close();

  sender_status.finish(counters_of(sent), {{"replies", sent.replies}});
  const std::string end = outcome.end == EndReason::terminated ? "the sender ended the stream" : "no end of stream";
  receiver_status.finish(counters_of(outcome.stats), {{"end", end}});  // delivered == outcome.frames
  const bool complete = outcome.frames == offered && outcome.out_of_order == 0;
  // PUB/SUB may lose frames to a slow receiver by design; every other pattern must deliver all.
  const bool ok = !interrupted() && outcome.end == EndReason::terminated && (complete || a.pattern == 2);
  const std::string verdict =
      complete ? fmt::format("all {} frames arrived, in order; the receiver saw the end of the stream", offered)
               : fmt::format("{} of {} frames arrived ({} out of order){}", outcome.frames, offered,
                             outcome.out_of_order,
                             a.pattern == 2 ? fmt::format(" - PUB/SUB drops what a slow receiver cannot take "
                                                          "(the sender dropped {})", sent.dropped)
                                            : "");
  say((ok ? "done: " : "FAILED: ") + verdict,
      {{"event", "result"}, {"ok", ok}, {"frames", offered}, {"sent", sent.frames_sent}, {"dropped", sent.dropped},
       {"received", outcome.frames}, {"in_order", outcome.out_of_order == 0}});
  return ok ? 0 : 1;
}

}  // namespace

Command add_demo_command(CLI::App& app) {
  auto args = std::make_shared<DemoArgs>();
  CLI::App* cmd = app.add_subcommand(
      "demo", "Stream a short test video from a sender to a receiver on loopback and show what happened");
  cmd->add_option("--video", args->video, "stream this video instead of a generated test video");
  cmd->add_option("--pattern", args->pattern, "0 PAIR, 1 REQ/REP, 2 PUB/SUB")->check(CLI::Range(0, 2))->capture_default_str();
  cmd->add_flag("--jpeg", args->jpeg, "JPEG-compress the frames (TurboJPEG)");
  cmd->add_flag("--fast", args->fast, "as fast as possible instead of at the video's frame rate");
  cmd->add_flag("--json", args->json, "machine-readable output: one JSON object per line");
  cmd->add_option("--port", args->port, "loopback port for the stream (default 0: any free port)")
      ->check(CLI::Range(0, 65535));
  return {cmd, [args] { return run_demo(*args); }};
}

}  // namespace netgear::tools
