// netgear_bench_link: netgear over a throttled link, one side per process.
// bench/link/run.sh builds the link (a veth pair into a network namespace,
// tbf rate limits) and runs these roles on its two ends:
//
//   recv  --bind tcp://198.18.0.2:* --case NAME   receiver; prints "bound ENDPOINT",
//                                                  then one JSON line at the end
//   send  --connect ENDPOINT --case NAME --seconds S [--bitrate B]
//                                                  a 30 fps camera; one JSON line
//   ceiling-recv / ceiling-send                    the same link with plain cppzmq
//   cases                                          "NAME<TAB>built" or "NAME<TAB>not built (...)"
//   report FILE [--json]                           run.sh's results as a table
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include "link/link.hpp"

namespace lb = netgear::bench::link;

namespace {

// The options each streaming role takes; the defaults are a 720p30 camera.
void stream_options(CLI::App* app, lb::Params& p, const char* endpoint_flag, const char* endpoint_help) {
  app->add_option(endpoint_flag, p.endpoint, endpoint_help)->required();
  app->add_option("--case", p.case_name, "case name (see `cases`)");
  app->add_option("--seconds", p.seconds, "how long the camera runs")->check(CLI::PositiveNumber);
  app->add_option("--fps", p.fps, "the camera's frame rate")->check(CLI::Range(1.0, 1000.0));
  app->add_option("--width", p.width)->check(CLI::Range(16, 8192));
  app->add_option("--height", p.height)->check(CLI::Range(16, 8192));
  app->add_option("--cycle", p.cycle, "frames pre-rendered (both sides must agree)")->check(CLI::Range(1, 1000));
  app->add_option("--bitrate", p.bitrate, "bits/s for the video cases")->check(CLI::Range(1000, 1'000'000'000));
  app->add_option("--psnr-every", p.psnr_every, "receiver: PSNR of every n-th frame")->check(CLI::Range(1, 1000));
  app->add_option("--request-timeout", p.request_timeout, "sender: seconds to wait for each reply")
      ->check(CLI::PositiveNumber);
  app->add_option("--receive-timeout", p.receive_timeout, "receiver: seconds of silence that end the stream")
      ->check(CLI::PositiveNumber);
  app->add_option("--message-bytes", p.ceiling_message, "ceiling: payload bytes per message")
      ->check(CLI::Range(1, 1 << 28));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"netgear over a throttled link: one side of a stream (bench/link/run.sh runs both)"};
  app.require_subcommand(1);
  lb::Params p;
  auto* recv = app.add_subcommand("recv", "a netgear Receiver (PAIR) that measures what arrives");
  stream_options(recv, p, "--bind", "tcp://ADDRESS:PORT to bind (PORT may be *)");
  auto* send = app.add_subcommand("send", "a netgear Sender fed like a camera");
  stream_options(send, p, "--connect", "the receiver's tcp://ADDRESS:PORT");
  auto* ceiling_recv = app.add_subcommand("ceiling-recv", "plain cppzmq sink: the link's ceiling");
  stream_options(ceiling_recv, p, "--bind", "tcp://ADDRESS:PORT to bind (PORT may be *)");
  auto* ceiling_send = app.add_subcommand("ceiling-send", "plain cppzmq source: the link's ceiling");
  stream_options(ceiling_send, p, "--connect", "the sink's tcp://ADDRESS:PORT");
  auto* cases = app.add_subcommand("cases", "the cases, and whether this build has their options");
  cases->add_option("--bitrate", p.bitrate);
  std::string report_file;
  bool as_json = false;
  auto* report = app.add_subcommand("report", "run.sh's result lines as a markdown table");
  report->add_option("file", report_file)->required();
  report->add_flag("--json", as_json, "one JSON document instead");
  CLI11_PARSE(app, argc, argv);

  try {
    if (*recv) return lb::run_receiver(p);
    if (*send) return lb::run_sender(p);
    if (*ceiling_recv) return lb::run_ceiling_sink(p);
    if (*ceiling_send) return lb::run_ceiling_source(p);
    if (*report) return lb::run_report(report_file, as_json);
    for (const auto& c : lb::cases(p)) {
      const auto why = lb::unavailable(c);
      std::printf("%s\t%s\n", c.name.c_str(), why.empty() ? "built" : why.c_str());
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "netgear_bench_link: %s\n", e.what());
    return 1;
  }
}
