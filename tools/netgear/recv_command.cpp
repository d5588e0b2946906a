// `netgear recv`: receives a stream and shows it in a window, writes a video
// file, saves images, serves it to a browser (--http), or just counts, with
// a live status, until the sender ends the stream, --frames, or Ctrl+C.
#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "commands.hpp"
#include "interrupt.hpp"
#include "netgear/json_limits.hpp"
#include "http_viewer.hpp"
#include "sinks.hpp"
#include "status.hpp"
#include "stream_args.hpp"
#include "viewer/mjpeg_server.hpp"

namespace netgear::tools {
namespace {

using namespace std::chrono;

struct RecvArgs {
  StreamArgs stream;
  bool show = false;
  std::string write;
  double write_fps = 30;
  std::string save_dir;
  std::string save_format = "png";
  std::uint64_t save_every = 1;
  std::uint64_t frames = 0;
  std::string http;
  std::vector<std::string> http_allow_hosts;
  bool http_any_host = false;
  std::string reply;
  bool json = false;
  bool keep_listening = false;
};

// What the browser page lists: the status without the JSON-lines bookkeeping.
nlohmann::json for_viewer(nlohmann::json status) {
  status.erase("event");
  status.erase("timeouts");  // a sender's counter
  return status;
}

std::string end_text(EndReason reason, bool interrupted_by_user) {
  if (interrupted_by_user) return "interrupted (Ctrl+C)";
  switch (reason) {
    case EndReason::terminated: return "the sender ended the stream";
    case EndReason::timed_out: return "timed out: nothing arrived for receive_timeout";
    case EndReason::closed: return "closed";
    case EndReason::failed: return "failed: socket error (see the log)";
    case EndReason::senders_gone:
      return "the sender(s) disconnected without ending the stream and none came back within sender_gone_timeout";
    case EndReason::none: break;
  }
  return "stopped";
}

// The ports of bound endpoints ("tcp://0.0.0.0:5555" -> "5555").
std::vector<std::string> ports_of(const std::vector<std::string>& endpoints) {
  std::vector<std::string> ports;
  for (const auto& endpoint : endpoints) ports.push_back(endpoint.substr(endpoint.rfind(':') + 1));
  return ports;
}

// Binds again where the last stream was. ZeroMQ releases a closed listener
// asynchronously, so the port may still be taken for a moment: retried for
// up to 5 s (or until Ctrl+C).
NetGear reopen(const StreamArgs& args) {
  const auto deadline = steady_clock::now() + seconds(5);
  while (true) {
    try {
      return open_stream(args, /*receive_mode=*/true);
    } catch (const SetupError&) {
      if (steady_clock::now() >= deadline || interrupted()) throw;
      std::this_thread::sleep_for(milliseconds(20));
    }
  }
}

int run_recv(const RecvArgs& a) {
  install_interrupt_handlers();
  std::vector<std::unique_ptr<FrameSink>> sinks;
  if (a.show) sinks.push_back(open_window_sink("netgear"));
  if (!a.write.empty()) sinks.push_back(open_video_sink(a.write, a.write_fps));
  if (!a.save_dir.empty()) sinks.push_back(open_image_sink(a.save_dir, a.save_format, a.save_every));
  std::unique_ptr<MjpegServer> viewer = a.http.empty() ? nullptr
                                                          : open_http_viewer(a.http, {.allowed_hosts = a.http_allow_hosts,
                                                                                 .any_host = a.http_any_host});
  const nlohmann::json reply = a.reply.empty() ? nlohmann::json(nullptr) : json_or_text(a.reply, "reply");
  if (!reply.is_null() && stream_options(a.stream).value("bidirectional_mode", false) != true)
    throw OptionError("reply", "is only sent back in bidirectional mode: add -o bidirectional_mode=true (on both sides)");

  StreamArgs stream_args = a.stream;
  std::uint64_t index = 0;  // frames across every stream (--frames, --save-dir numbering)
  for (int stream = 1;; ++stream) {
    NetGear client = stream == 1 ? open_stream(stream_args, /*receive_mode=*/true) : reopen(stream_args);
    Receiver& receiver = client.receiver();
    if (!reply.is_null()) receiver.set_return_data(reply);
    const auto pattern = to_string(receiver.settings().pattern);
    if (a.json) {
      nlohmann::json start = {{"event", "listening"}, {"side", "receiver"}, {"endpoints", receiver.endpoints()},
                              {"pattern", pattern}};
      if (a.keep_listening) start["stream"] = stream;
      if (viewer) start["http"] = viewer->url();
      std::cout << start.dump() << std::endl;
    } else {
      std::cout << fmt::format("netgear recv: {} on {} ({})\n", stream == 1 ? "listening" : "listening for the next sender",
                               fmt::join(receiver.endpoints(), ", "), pattern);
      if (viewer && stream == 1) std::cout << "netgear recv: watch it at " << viewer->url() << "\n";
      std::cout << std::flush;
    }

    StatusReporter status("receiver", a.json ? StatusStyle::json : StatusStyle::terminal);
    std::string stopped_by;
    nlohmann::json last_message;  // the sender's --message, shown when it changes
    std::uint64_t unwritable = 0;  // frames some sink had to leave out (zero-size, too wide...)
    while (stopped_by.empty()) {
      if (interrupted()) break;
      auto got = receiver.recv_for(milliseconds(100));
      if (got) {
        status.one_way_latency(*got);
        if (!got->message.is_null() && got->message != last_message) {
          last_message = got->message;
          status.note("message", last_message);
        }
        const cv::Mat& frame = got->frame.mat();
        bool skipped = false;
        for (auto& sink : sinks) {
          const Consumed result = consume_safely(*sink, frame, index);
          if (result == Consumed::stop) stopped_by = "the window was closed ('q')";
          skipped = skipped || result == Consumed::skipped;
        }
        if (skipped) ++unwritable;
        if (viewer) viewer->publish(frame);
        ++index;
        if (a.frames > 0 && index >= a.frames) stopped_by = "--frames reached";
      } else if (receiver.ended()) {
        break;
      }
      status.update(counters_of(receiver.stats()));
      if (viewer) viewer->set_stats(for_viewer(status.last()));
    }
    const EndReason reason = receiver.end_reason();
    const bool by_user = interrupted() && reason == EndReason::none;
    const ReceiverStats stats = receiver.stats();
    const std::vector<std::string> bound = receiver.endpoints();
    client.close();
    const std::string end = stopped_by.empty() ? end_text(reason, by_user) : stopped_by;
    nlohmann::json extra = {{"end", end}};
    if (a.keep_listening) extra["stream"] = stream;
    if (!last_message.is_null()) extra["last_message"] = last_message;
    if (stats.rejected > 0) extra["rejected"] = stats.rejected;
    if (stats.filtered > 0) extra["filtered"] = stats.filtered;
    if (stats.skipped > 0) extra["skipped"] = stats.skipped;  // video: waited for a keyframe
    if (unwritable > 0) extra["unwritable"] = unwritable;
    if (stats.idle_peer_warnings > 0) extra["idle_peer_warnings"] = stats.idle_peer_warnings;
    const auto summary = status.finish(counters_of(stats), extra);
    if (viewer) viewer->set_stats(for_viewer(summary));
    // --keep-listening: a stream that ended on the sender's side (its
    // termination, its silence, its disconnection) makes way for the next one.
    const bool senders_side = reason == EndReason::terminated || reason == EndReason::timed_out ||
                              reason == EndReason::senders_gone;
    if (a.keep_listening && stopped_by.empty() && !by_user && senders_side) {
      stream_args.ports = ports_of(bound);  // port 0 was resolved: the next sender finds the same one
      continue;
    }
    if (reason == EndReason::timed_out || reason == EndReason::failed || reason == EndReason::senders_gone) {
      std::cerr << "netgear recv: " << end << "\n";
      return 1;
    }
    return 0;
  }
}

}  // namespace

Command add_recv_command(CLI::App& app) {
  auto args = std::make_shared<RecvArgs>();
  CLI::App* cmd = app.add_subcommand("recv", "Receive a stream: show, write, save, serve to a browser, or count it");
  add_stream_flags(*cmd, args->stream, /*receiver=*/true);
  cmd->add_flag("--show", args->show, "show the frames in a window (needs a display; 'q' ends)");
  cmd->add_option("--write", args->write, "write the frames to a video file (.avi, .mp4, .mkv)");
  cmd->add_option("--write-fps", args->write_fps, "frame rate of --write")->capture_default_str();
  cmd->add_option("--save-dir", args->save_dir, "save each frame as an image in this folder");
  cmd->add_option("--save-format", args->save_format, "png (keeps 16-bit), jpg, bmp, tiff")->capture_default_str();
  cmd->add_option("--save-every", args->save_every, "save one frame in N")->check(CLI::PositiveNumber);
  cmd->add_option("--http", args->http,
                  "serve a browser page with the live stream and stats: PORT (loopback) or HOST:PORT; 0 = any port");
  cmd->add_option("--http-allow-host", args->http_allow_hosts,
                  "--http: also answer browsers that reach it by this host name (repeatable); localhost and IP "
                  "addresses always work, other names are refused (DNS rebinding)");
  cmd->add_flag("--http-any-host", args->http_any_host,
                "--http: answer whatever host name the browser used (turns the DNS-rebinding check off)");
  cmd->add_option("-n,--frames", args->frames, "stop after this many frames");
  cmd->add_option("--reply", args->reply,
                  "with -o bidirectional_mode=true: data returned to the sender with every reply (JSON, else a string)");
  cmd->add_flag("--json", args->json, "machine-readable output: one JSON object per line");
  cmd->add_flag("--keep-listening", args->keep_listening,
                "when a sender ends its stream (or goes silent or away), listen for the next one on the same "
                "port(s), with a summary per stream, until Ctrl+C or --frames");
  return {cmd, [args] { return run_recv(*args); }};
}

}  // namespace netgear::tools
