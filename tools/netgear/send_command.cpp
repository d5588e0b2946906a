// `netgear send`: streams a video source to a receiver until the source ends,
// --frames/--seconds are reached or Ctrl+C; then sends the termination so the
// receiver sees the end of the stream.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "commands.hpp"
#include "interrupt.hpp"
#include "netgear/json_limits.hpp"
#include "netgear/video_source.hpp"
#include "status.hpp"
#include "stream_args.hpp"

namespace netgear::tools {
namespace {

using namespace std::chrono;

struct SendArgs {
  StreamArgs stream;
  std::string source = "test";
  std::uint64_t frames = 0;
  double seconds = 0;
  double fps = -1;  // unset
  bool loop = false;
  bool realtime = false;
  double wait = 0;
  std::string message;
  bool json = false;
};

// PUB/SUB: frames sent before a receiver subscribed reach no one.
bool wait_for_receivers(Sender& sender, double seconds) {
  const auto deadline = steady_clock::now() + duration<double>(seconds);
  while (!interrupted() && steady_clock::now() < deadline)
    if (sender.wait_for_receiver(milliseconds(100))) return true;
  return false;
}

int run_send(const SendArgs& a) {
  install_interrupt_handlers();
  VideoSourceOptions source_options;
  source_options.loop = a.loop;
  source_options.realtime = a.realtime;
  if (a.fps >= 0) {
    source_options.test_fps = a.fps;               // the test pattern's own rate (0: flat out)
    if (a.fps > 0) source_options.max_fps = a.fps;  // any other source: a cap
  }
  VideoSource source = [&] {
    try {
      return VideoSource(a.source, source_options);
    } catch (const SourceError& e) {
      if (a.source.rfind("test:", 0) == 0) throw UsageError(e.what());  // the spec as typed, not a device
      throw;
    }
  }();
  const nlohmann::json message = a.message.empty() ? nlohmann::json(nullptr) : json_or_text(a.message, "message");

  NetGear server = open_stream(a.stream, /*receive_mode=*/false);
  Sender& sender = server.sender();
  const auto pattern = to_string(sender.settings().pattern);
  if (a.json) {
    std::cout << nlohmann::json{{"event", "start"}, {"side", "sender"}, {"source", a.source},
                                {"endpoints", sender.endpoints()}, {"pattern", pattern}}.dump()
              << std::endl;
  } else {
    std::cout << fmt::format("netgear send: {} -> {} ({})\n", a.source, fmt::join(sender.endpoints(), ", "), pattern);
    const Options& o = sender.settings().options;
    if (sender.settings().pattern == Pattern::pub_sub) {
      if (a.wait <= 0) std::cout << "netgear send: publishing; frames sent before a receiver subscribes reach nobody (--wait N)\n";
    } else if (o.max_retries >= 0) {
      const double give_up_s = o.request_timeout.count() / 1000.0 * std::max(1, o.max_retries);
      std::cout << fmt::format("netgear send: waiting for the receiver's replies (gives up after {:g} s without one)\n",
                               give_up_s);
    }
    std::cout << std::flush;
  }
  if (a.wait > 0 && !wait_for_receivers(sender, a.wait) && !interrupted())
    throw PeerLostError(fmt::format("no receiver subscribed within {} s (--wait)", a.wait));

  StatusReporter status("sender", a.json ? StatusStyle::json : StatusStyle::terminal);
  const auto start = steady_clock::now();
  std::string end = "the source ended";
  const bool bidirectional = sender.settings().options.bidirectional_mode;
  nlohmann::json last_reply;
  source.start();
  while (true) {
    if (interrupted()) { end = "interrupted (Ctrl+C)"; break; }
    if (a.frames > 0 && sender.stats().frames_sent >= a.frames) { end = "--frames reached"; break; }
    if (a.seconds > 0 && steady_clock::now() - start >= duration<double>(a.seconds)) { end = "--seconds reached"; break; }
    auto frame = source.read_for(milliseconds(100));
    if (!frame) {
      if (source.ended()) break;
      status.update(counters_of(sender.stats()));
      continue;
    }
    const auto sent_at = steady_clock::now();
    const SendResult result = sender.send(*frame, message);
    if (bidirectional && !result.reply.is_null() && result.reply != last_reply) {  // the receiver's --reply
      last_reply = result.reply;
      status.note("reply", last_reply);
    }
    if (result.status == SendStatus::delivered)
      status.latency(duration<double, std::milli>(steady_clock::now() - sent_at).count());
    status.update(counters_of(sender.stats()));
  }
  source.stop();
  server.close();  // the termination message: the receiver's stream ends
  const SenderStats stats = sender.stats();
  // REQ/REP: the receiver's acknowledgement of the end (null: none came, or another pattern).
  const auto ack = sender.termination_reply();
  nlohmann::json extra = {{"end", end},
                          {"replies", stats.replies},
                          {"termination_reply", ack ? nlohmann::json(*ack) : nlohmann::json(nullptr)},
                          {"last_reply", last_reply}};
  if (!stats.video_encoder.empty()) {
    extra["video_encoder"] = stats.video_encoder;
    extra["keyframes"] = stats.keyframes;
  }
  if (stats.incapable_receivers > 0) extra["incapable_receivers"] = stats.incapable_receivers;
  status.finish(counters_of(stats), extra);
  return 0;
}

}  // namespace

Command add_send_command(CLI::App& app) {
  auto args = std::make_shared<SendArgs>();
  CLI::App* cmd = app.add_subcommand("send", "Stream a video file, camera or test pattern to a receiver");
  cmd->add_option("source", args->source,
                  "a video file, a camera index (0), a URL OpenCV can open, or `test` / `test:WIDTHxHEIGHT` "
                  "(a moving test pattern)")
      ->capture_default_str();
  add_stream_flags(*cmd, args->stream, /*receiver=*/false);
  cmd->add_option("-n,--frames", args->frames, "stop after this many frames (default: the whole source)");
  cmd->add_option("--seconds", args->seconds, "stop after this long")->check(CLI::NonNegativeNumber);
  cmd->add_option("--fps", args->fps, "frame rate cap (default: as the source gives them; the test pattern: 30); 0 = flat out")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--realtime", args->realtime, "a file: play it at its own frame rate, as a camera would");
  cmd->add_flag("--loop", args->loop, "start the file again at its end");
  cmd->add_option("--wait", args->wait, "PUB/SUB: wait up to this many seconds for a receiver before streaming")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--message", args->message, "data sent with every frame: JSON, e.g. '{\"camera\": 1}', else a string (as -o values)");
  cmd->add_flag("--json", args->json, "machine-readable output: one JSON object per line");
  return {cmd, [args] { return run_send(*args); }};
}

}  // namespace netgear::tools
