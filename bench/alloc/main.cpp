// netgear_bench_alloc: heap allocations per frame on the raw path, netgear
// next to plain cppzmq moving the same messages, per side (see audit.hpp).
//
//   netgear_bench_alloc                      every pattern, copy=false and true, 640x480x3 over tcp
//   netgear_bench_alloc --protocol inproc    also checks the received pixels are the sent buffer
//   netgear_bench_alloc --where --frames 50  where netgear's allocations come from
//
// Columns: allocations per frame on the sending thread, on the receiving
// threads (netgear: its I/O thread + the recv() caller), on libzmq's own
// threads (not netgear's doing, shown for completeness), and allocations the
// size of the payload (a copy of the pixels) per frame on the sending /
// receiving threads.
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "alloc/audit.hpp"

namespace {

using netgear::alloc_audit::Case;
using netgear::alloc_audit::Tally;

void print_row(const Case& c, const Tally& ng, const Tally& raw) {
  const double send_ng = ng.per_frame(ng.sender), send_raw = raw.per_frame(raw.sender);
  const double recv_ng = ng.per_frame(ng.receiver()), recv_raw = raw.per_frame(raw.receiver());
  std::printf("%-8s %-5s | %7.2f %7.2f %+7.2f | %7.2f (%5.2f + %5.2f) %7.2f %+7.2f | %6.2f %6.2f | %4.2f/%4.2f %4.2f/%4.2f%s\n",
              c.pattern == netgear::Pattern::pair ? "0 pair" : c.pattern == netgear::Pattern::req_rep ? "1 reqrep" : "2 pubsub",
              c.copy ? "true" : "false", send_ng, send_raw, send_ng - send_raw, recv_ng, ng.per_frame(ng.receiver_io),
              ng.per_frame(ng.consumer), recv_raw, recv_ng - recv_raw, ng.per_frame(ng.zmq), raw.per_frame(raw.zmq),
              ng.per_frame(ng.sender_large), ng.per_frame(ng.receiver_large), raw.per_frame(raw.sender_large),
              raw.per_frame(raw.receiver_large),
              c.protocol == netgear::Protocol::inproc && !c.copy ? (ng.same_buffer ? "  same buffer end to end" : "  COPIED")
                                                                 : "");
  if (ng.other + raw.other != 0)
    std::printf("         (other threads: netgear %.2f, raw %.2f per frame)\n", ng.per_frame(ng.other),
                raw.per_frame(raw.other));
  if (ng.send_calls != ng.frames)
    std::printf("         (netgear made %llu send() calls for %llu frames: PUB/SUB retried dropped frames)\n",
                static_cast<unsigned long long>(ng.send_calls), static_cast<unsigned long long>(ng.frames));
}

void print_sites(const Case& c) {
  Tally t;
  const auto sites = netgear::alloc_audit::netgear_sites(c, t);
  std::printf("\n== %s: %llu frames; per frame: sender %.2f, receiver I/O %.2f, recv() caller %.2f, zmq %.2f\n",
              netgear::alloc_audit::describe(c).c_str(), static_cast<unsigned long long>(t.frames),
              t.per_frame(t.sender), t.per_frame(t.receiver_io), t.per_frame(t.consumer), t.per_frame(t.zmq));
  for (const auto& s : sites) {
    if (s.thread == "zmq") continue;  // libzmq's own threads: not netgear's doing
    std::printf("-- [%s] %.2f per frame (%llu)\n%s", s.thread.c_str(), t.per_frame(s.count),
                static_cast<unsigned long long>(s.count), s.stack.c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"netgear heap allocations per frame on the raw path, next to plain cppzmq"};
  Case base;
  std::vector<int> patterns{0, 1, 2};
  std::vector<int> copies{0, 1};
  std::string protocol = "tcp";
  bool where = false;
  app.add_option("--frames", base.frames, "frames counted (after the warm-up)")->check(CLI::Range(1, 1000000));
  app.add_option("--warmup", base.warmup, "frames sent before counting")->check(CLI::Range(0, 100000));
  app.add_option("--width", base.cols)->check(CLI::Range(1, 8192));
  app.add_option("--height", base.rows)->check(CLI::Range(1, 8192));
  app.add_option("--channels", base.channels)->check(CLI::Range(1, 4));
  app.add_option("--pattern", patterns, "patterns to run (0 pair, 1 req/rep, 2 pub/sub)")->check(CLI::Range(0, 2));
  app.add_option("--copy", copies, "copy option values to run (0, 1)")->check(CLI::Range(0, 1));
  app.add_option("--protocol", protocol, "tcp, ipc or inproc");
  app.add_flag("--where", where, "print the call stacks of netgear's allocations instead of the table");
  CLI11_PARSE(app, argc, argv);

  try {
    base.protocol = netgear::protocol_from_string(protocol);
    if (base.protocol != netgear::Protocol::tcp && base.protocol != netgear::Protocol::ipc &&
        base.protocol != netgear::Protocol::inproc)
      throw std::runtime_error("--protocol: tcp, ipc or inproc");
    if (!where) {
      std::printf("heap allocations per frame, steady state: %d warm-up frames, then %d counted, %dx%dx%d uint8 over %s\n",
                  base.warmup, base.frames, base.cols, base.rows, base.channels, protocol.c_str());
      std::printf("%-8s %-5s | %-23s | %-47s | %-13s | %s\n", "pattern", "copy", "sender thread", "receiver threads",
                  "zmq threads", "pixel copies (send/recv)");
      std::printf("%-8s %-5s | %7s %7s %7s | %7s (%5s + %5s) %7s %7s | %6s %6s | %-9s %s\n", "", "", "netgear", "raw",
                  "extra", "netgear", "io", "recv", "raw", "extra", "netgr", "raw", "netgear", "raw");
    }
    for (int p : patterns) {
      for (int copy : copies) {
        Case c = base;
        c.pattern = netgear::pattern_from_int(p);
        c.copy = copy != 0;
        if (where) {
          print_sites(c);
          continue;
        }
        const Tally ng = netgear::alloc_audit::measure_netgear(c);
        const Tally raw = netgear::alloc_audit::measure_raw(c);
        print_row(c, ng, raw);
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "netgear_bench_alloc: %s\n", e.what());
    return 1;
  }
  return 0;
}
