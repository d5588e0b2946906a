// netgear_bench_relay: `fanout` (a 30 fps camera to many viewers through
// `netgear relay`, one of them stopped) and `raw` (flat-out fan-out against
// libzmq's ceiling). Figures only; nothing is asserted.
#include <iostream>

#include <CLI/CLI.hpp>

#include "relay/commands.hpp"

int main(int argc, char** argv) {
  using namespace netgear::bench;
  CLI::App app("netgear relay benchmarks");
  app.require_subcommand(1);
  FanoutArgs fan;
  auto* f = app.add_subcommand("fanout", "one 30 fps JPEG camera -> netgear relay -> N viewers, then one stopped");
  f->add_option("--netgear", fan.relay_bin, "the netgear binary")->required();
  f->add_option("--viewers", fan.viewers)->capture_default_str();
  f->add_option("--seconds", fan.seconds, "measuring window")->capture_default_str();
  f->add_option("--fps", fan.fps)->capture_default_str();
  f->add_option("--warmup", fan.warmup, "seconds before the first window")->capture_default_str();
  f->add_option("--width", fan.width)->capture_default_str();
  f->add_option("--height", fan.height)->capture_default_str();
  RawArgs raw;
  auto* r = app.add_subcommand("raw", "raw frames flat out to 1, 4, 16 viewers: relay vs libzmq XPUB");
  r->add_option("--viewers", raw.viewers)->delimiter(',')->capture_default_str();
  r->add_option("--seconds", raw.seconds)->capture_default_str();
  r->add_option("--width", raw.width)->capture_default_str();
  r->add_option("--height", raw.height)->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    return f->parsed() ? run_fanout(fan) : run_raw(raw);
  } catch (const std::exception& e) {
    std::cerr << "netgear_bench_relay: " << e.what() << "\n";
    return 1;
  }
}
