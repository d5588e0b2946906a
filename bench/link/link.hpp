#pragma once
// netgear_bench_link: one side of a stream over a throttled link (run.sh puts
// the receiver in a network namespace behind a tbf rate limit). Each role
// prints JSON lines on stdout that run.sh reads; see main.cpp for the roles.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

namespace netgear::bench::link {

using json = nlohmann::json;

/// What both sides of a run are given on their command lines.
struct Params {
  std::string endpoint;         // recv: --bind, send: --connect ("tcp://198.18.0.2:*")
  std::string case_name = "raw";
  double seconds = 10;          // send: how long the camera runs
  double fps = 30;              // the camera's frame rate
  int width = 1280;
  int height = 720;
  int cycle = 60;               // frames pre-rendered; frame i is cycle[i % cycle]
  std::int64_t bitrate = 2'000'000;  // bits/s for the video cases
  int psnr_every = 1;           // recv: PSNR of every n-th frame (it costs CPU)
  double request_timeout = 30;  // send: seconds to wait for a reply (a raw frame takes seconds on a slow link)
  double receive_timeout = 30;  // recv: a stream that falls silent this long ends
  std::int64_t ceiling_message = 256 * 1024;  // ceiling: payload bytes per message
};

/// A benchmark case: a name and the sender's options as vidgear keys. One
/// table in cases.cpp; a new case is one line there.
struct Case {
  std::string name;
  std::string title;
  json options;  // for Options::set, key by key
};

/// Every case, with the parameters (--bitrate) filled in.
std::vector<Case> cases(const Params& p);
/// The case named `name`; throws std::invalid_argument naming the known ones.
Case find_case(const Params& p, const std::string& name);
/// Empty if this build of netgear takes every option of the case, else why
/// not (the OptionError's text: "not built (unknown option ...)").
std::string unavailable(const Case& c);

/// The camera's frames, rendered once before the stream starts (a frame costs
/// ~10 ms to render): frame i of the stream is cycle[i % size]. Both sides
/// render the same bytes (bench/scene.hpp seeds its noise by index).
std::vector<cv::Mat> render_cycle(const Params& p);

/// Prints one JSON line on stdout and flushes (stdout is a pipe to run.sh).
void emit(const json& line);

int run_receiver(const Params& p);  // "recv"
int run_sender(const Params& p);    // "send"
int run_ceiling_sink(const Params& p);    // "ceiling-recv": plain cppzmq
int run_ceiling_source(const Params& p);  // "ceiling-send"
/// "report FILE": run.sh's result lines as a markdown table (or JSON).
int run_report(const std::string& path, bool as_json);

}  // namespace netgear::bench::link
