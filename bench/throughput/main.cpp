// netgear_bench_throughput: netgear next to its ceiling, raw libzmq (cppzmq)
// moving the same two-part messages with the same reply discipline, and next
// to plain pyzmq speaking vidgear 0.3's protocol, in the same run, for every
// case = mode x frame size x protocol x pattern.
//
// Modes (--mode, runs.hpp): "process" forks a receiver (binds, reports its
// endpoint) and then a sender (connects); "threads" forks one process that
// runs the receiver and the sender as two threads sharing one ZeroMQ context
// (inproc works there only). The pyzmq peer (python_peer.hpp) runs in process
// mode over tcp and ipc with raw frames. The parent only orchestrates; every
// wait on a child is bounded (a stuck child is killed).
//
// What is measured, after `--warmup` frames, over `--frames` frames:
//  * frames/s and MB/s: on the receiver, from the last warm-up frame to the
//    last frame (steady clock). MB/s counts raw pixel bytes, also when
//    netgear sends JPEG/PNG.
//  * one-way latency p50 / p99 / max, ms: on the receiver, system_clock when
//    recv() returns minus the time the sender stamped into the header —
//    netgear's own `netgear_sent_ns` (Received::sent_at); the raw ceiling and
//    the pyzmq peer put the same key, as int64 ns of the system clock, into a
//    header of the same shape as netgear's. All sides share one clock (same
//    machine).
//  * CPU seconds per 1000 frames, each side (meters.hpp): in process mode
//    getrusage(RUSAGE_SELF) user+sys deltas of the whole process (all its
//    threads, ZeroMQ's I/O thread included); in threads mode the side's own
//    thread (CLOCK_THREAD_CPUTIME_ID) and, as "cpu all", the whole process.
//    On the sender from the end of the warm-up sends to the last send, on the
//    receiver as for frames/s.
//  * peak RSS: ru_maxrss of each process (threads mode: of the one process),
//    MiB. A forked child starts as a copy of the small parent (the test frame
//    and libraries); the pyzmq peers' comes from wait4().
//  * ours/raw and ours/py: netgear frames/s over raw libzmq's / pyzmq's.
// Patterns 0/1 must deliver every frame (a missing frame is an error); PUB/SUB
// may drop, and the frames lost are reported. No figure is ever checked
// against a threshold. --secure adds netgear StoneHouse (CURVE) next to raw
// libzmq with CURVE on the same keys (tcp and ipc).
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "netgear/keys.hpp"
#include "throughput/cases.hpp"
#include "throughput/figures.hpp"
#include "throughput/output.hpp"
#include "throughput/python_peer.hpp"
#include "throughput/runs.hpp"
#include "throughput/throughput.hpp"

#ifndef NETGEAR_BENCH_PYTHON
#define NETGEAR_BENCH_PYTHON "/usr/bin/python3"
#endif
#ifndef NETGEAR_BENCH_PYZMQ_PEER
#define NETGEAR_BENCH_PYZMQ_PEER "pyzmq_peer.py"
#endif

namespace {

using namespace netgear::bench;

// Patterns 0/1 deliver every frame; PUB/SUB may drop (reported, not an error).
void check_complete(const Config& c, const Case& k, const Figures& f, const std::string& impl) {
  if (k.pattern != 2 && f.frames() != c.frames)
    throw std::runtime_error(impl + " " + pattern_name(k.pattern) + " " + k.protocol + " " + k.size.label + " (" +
                             mode_name(k.mode) + "): " + std::to_string(f.frames()) + " of " +
                             std::to_string(c.frames) + " frames arrived");
}

Figures measure(const Implementation& impl, const Config& c, const Case& k, const cv::Mat& frame) {
  Figures f = k.mode == Mode::threads ? run_in_threads(c, k, impl, frame) : run_in_processes(c, k, impl, frame);
  check_complete(c, k, f, impl.name(k));
  return f;
}

Figures measure_python(const Config& c, const Case& k) {
  Figures f = run_python(c, k);
  check_complete(c, k, f, "pyzmq");
  return f;
}

// Measures one case (and its secure twin with --secure): netgear, raw libzmq
// (raw frames only), pyzmq (where python_skips allows); prints its rows and
// returns its JSON.
json run_case(const Config& c, const Case& plain, const cv::Mat& frame) {
  json out = {{"mode", mode_name(plain.mode)},  {"size", plain.size.label},   {"shape", plain.size.shape()},
              {"dtype", plain.size.dtype()},    {"bytes", plain.size.bytes()}, {"pattern", plain.pattern},
              {"pattern_name", pattern_name(plain.pattern)}, {"protocol", plain.protocol},
              {"codec", codec_name(c.codec())}};
  const bool ceiling = c.codec() == Codec::none;
  std::vector<Case> variants = {plain};
  if (c.secure && plain.protocol != "inproc") {  // libzmq applies no CURVE to inproc
    Case twin = plain;
    twin.secure = true;
    variants.push_back(twin);
  }
  for (const Case& k : variants) {
    const bool python = c.python && !python_skips(c, k);
    const Figures ours = measure(kNetgear, c, k, frame);
    const Figures raw = ceiling ? measure(kRaw, c, k, frame) : Figures{};
    const Figures py = python ? measure_python(c, k) : Figures{};
    Ratios ratios;
    if (ceiling) ratios.raw = ratio(ours, raw);
    if (python) ratios.python = ratio(ours, py);
    const std::string prefix = k.secure ? "secure_" : "";
    out[prefix + "netgear"] = figures_json(c, k, ours);
    out[prefix + "raw"] = figures_json(c, k, raw);
    out[prefix + "ratio"] = ratios.raw ? json(*ratios.raw) : json(nullptr);
    if (!k.secure) {
      out["python"] = figures_json(c, k, py);
      out["ratio_python"] = ratios.python ? json(*ratios.python) : json(nullptr);
    }
    if (c.as_json) continue;
    print_row(c, k, kNetgear.name(k), ours, ratios);
    if (ceiling) print_row(c, k, kRaw.name(k), raw, {});
    if (python) print_row(c, k, "pyzmq", py, {});
  }
  return out;
}

// What a mode's table leaves out, and why, in one line each.
std::vector<std::string> notes_for(const Config& c, Mode mode, const std::optional<std::string>& python_missing) {
  std::vector<std::string> notes;
  const bool inproc = std::find(c.protocols.begin(), c.protocols.end(), "inproc") != c.protocols.end();
  if (mode == Mode::process) {
    if (inproc) notes.emplace_back("inproc runs in threads mode only");
    if (python_missing) notes.push_back("no pyzmq rows: " + *python_missing);
    else if (!c.python) notes.emplace_back("no pyzmq rows (--no-python)");
    else if (c.codec() != Codec::none) notes.emplace_back("no pyzmq rows: the pyzmq peer sends raw frames only");
    else if (c.secure) notes.emplace_back("pyzmq rows for plain frames only: the pyzmq peer has no CURVE");
  } else if (c.python) {
    notes.emplace_back("no pyzmq rows: the pyzmq peer runs in process mode only");
  }
  if (c.secure && inproc && mode == Mode::threads) notes.emplace_back("inproc has no StoneHouse twin (no CURVE on inproc)");
  return notes;
}

int run(Config& c) {
  for (const auto& spec : c.size_specs) c.sizes.push_back(parse_size(spec));
  if (c.secure) {  // one store for every process, made before they start
    std::filesystem::create_directory(c.key_location());
    netgear::KeyStore::at(c.key_location()).generate();
  }
  const bool any_process = std::find(c.modes.begin(), c.modes.end(), "process") != c.modes.end();
  std::optional<std::string> python_missing;  // then no pyzmq rows, and a note says why
  if (c.python && any_process) python_missing = python_unavailable(c);
  if (python_missing) c.python = false;
  json cases = json::array();
  json notes = json::array();
  for (const auto& mode_text : c.modes) {
    const Mode mode = parse_mode(mode_text);
    const auto mode_notes = notes_for(c, mode, python_missing);
    for (const auto& note : mode_notes) notes.push_back(std::string(mode_name(mode)) + ": " + note);
    if (c.as_json) {
      for (const auto& note : mode_notes) std::fprintf(stderr, "note: %s: %s\n", mode_name(mode), note.c_str());
    } else {
      if (&mode_text != &c.modes.front()) std::printf("\n");
      print_table_head(c, mode, mode_notes);
    }
    for (const Size& size : c.sizes) {
      if (auto why = unsupported(size, c.codec())) {
        if (!c.as_json) std::printf("%-14s skipped: %s\n", size.label.c_str(), why->c_str());
        continue;
      }
      const cv::Mat frame = make_frame(size);
      for (const auto& protocol : c.protocols) {
        if (protocol == "inproc" && mode != Mode::threads) continue;  // noted above
        for (int pattern : c.patterns) cases.push_back(run_case(c, Case{size, pattern, protocol, false, mode}, frame));
      }
    }
  }
  if (c.as_json)
    std::printf("%s\n", json{{"machine", machine_info()}, {"config", config_json(c)}, {"notes", notes}, {"cases", cases}}
                            .dump(2)
                            .c_str());
  return 0;
}

// A private folder under /tmp (key store, ipc sockets, the pyzmq peers'
// stderr), removed at the end.
std::unique_ptr<char, void (*)(char*)> make_work_dir() {
  std::unique_ptr<char, void (*)(char*)> dir(::strdup("/tmp/netgear-bench-XXXXXX"), [](char* d) {
    std::error_code ignored;
    std::filesystem::remove_all(d, ignored);
    std::free(d);
  });
  if (!::mkdtemp(dir.get())) throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
  return dir;
}

}  // namespace

int netgear::bench::throughput_main(int argc, char** argv) {
  CLI::App app{"netgear next to raw libzmq and plain pyzmq: frames/s, latency, CPU and memory per case"};
  Config c;
  c.python_exe = NETGEAR_BENCH_PYTHON;
  c.python_script = NETGEAR_BENCH_PYZMQ_PEER;
  int width = 0, height = 0;
  bool no_python = false;
  app.add_option("--frames", c.frames, "timed frames per run")->check(CLI::Range(10, 1000000));
  app.add_option("--warmup", c.warmup, "frames sent before timing starts")->check(CLI::Range(1, 100000));
  app.add_option("--sizes", c.size_specs, "frame sizes WxHxC (uint8) or WxHxCu16 (uint16), C = 1 or 3, e.g. "
                                          "640x480x3,1920x1080x3,640x480x1u16")
      ->delimiter(',')
      ->check([](const std::string& spec) {
        try {
          (void)parse_size(spec);
          return std::string();
        } catch (const std::exception& e) {
          return std::string(e.what());
        }
      });
  app.add_option("--width", width, "with --height: shorthand for --sizes WxHx3")->check(CLI::Range(16, 8192));
  app.add_option("--height", height, "with --width: shorthand for --sizes WxHx3")->check(CLI::Range(16, 8192));
  app.add_option("--patterns", c.patterns, "patterns to measure (0 PAIR, 1 REQ/REP, 2 PUB/SUB)")
      ->check(CLI::Range(0, 2))
      ->delimiter(',');
  app.add_option("--protocol", c.protocols,
                 "tcp (loopback), ipc (a socket under /tmp) and/or inproc (needs --mode threads)")
      ->check(CLI::IsMember({"tcp", "ipc", "inproc"}))
      ->delimiter(',');
  app.add_option("--mode", c.modes,
                 "process: sender and receiver in two processes (default); threads: two threads of one process "
                 "(per-thread CPU); both: process,threads")
      ->check(CLI::IsMember({"process", "threads"}))
      ->delimiter(',');
  app.add_flag("--json", c.as_json, "print one JSON document instead of a table");
  auto* jpeg = app.add_flag("--jpeg", c.jpeg, "netgear sends JPEG q90 (encode and decode included; no raw ceiling)");
  app.add_flag("--png", c.png, "netgear sends PNG (compression_format .png; no raw ceiling)")->excludes(jpeg);
  app.add_option("--encode-threads", c.encode_threads, "with --jpeg / --png: the netgear sender's encode_threads")
      ->check(CLI::Range(1, 16));
  app.add_option("--policy", c.policy, "the netgear receiver's overflow_policy (default: block, PUB/SUB drop_oldest)")
      ->check(CLI::IsMember({"block", "drop_oldest", "latest_only"}));
  app.add_option("--process-ms", c.process_ms,
                 "every receiver spends this long on each frame after recv(), as a slow consumer would")
      ->check(CLI::Range(0.0, 1000.0));
  app.add_option("--send-fps", c.send_fps, "every sender sends at most this many frames per second (default: flat out)")
      ->check(CLI::Range(0.0, 1e6));
  app.add_flag("--secure", c.secure, "also measure netgear with secure_mode 1 (StoneHouse, CURVE)");
  app.add_flag("--no-python", no_python, "leave out the plain-pyzmq rows");
  app.add_option("--python", c.python_exe, "the Python (with zmq and numpy) that runs the pyzmq peer")
      ->capture_default_str();
  app.add_flag("--smoke", c.smoke,
               "a tiny run of every pattern in both modes, over tcp and inproc, with pyzmq (a check that the "
               "program works, not a measurement)");
  CLI11_PARSE(app, argc, argv);
  if ((width > 0) != (height > 0)) {
    std::fprintf(stderr, "--width and --height go together\n");
    return 2;
  }
  if (width > 0) c.size_specs = {std::to_string(width) + "x" + std::to_string(height) + "x3"};
  c.python = !no_python;
  if (c.smoke) {
    c.frames = 20;
    c.warmup = 5;
    c.size_specs = {"160x120x3", "160x120x1u16"};
    if (app.count("--mode") == 0) c.modes = {"process", "threads"};
    if (app.count("--protocol") == 0) c.protocols = {"tcp", "inproc"};
  }
  if (auto error = config_error(c)) {
    std::fprintf(stderr, "netgear_bench_throughput: %s\n", error->c_str());
    return 2;
  }
  try {
    auto work_dir = make_work_dir();
    c.work_dir = work_dir.get();
    return run(c);
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "netgear_bench_throughput: %s\n", e.what());
    return 1;
  }
}
