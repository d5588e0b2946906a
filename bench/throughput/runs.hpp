#pragma once
// Running one C++ implementation's two sides for one case, as the case's
// mode says: two forked processes, or two threads of one forked process.
// The parent process only orchestrates (it never creates a ZeroMQ context,
// so forking stays safe); every wait on a child is bounded, and a child that
// fails or goes silent makes the run throw std::runtime_error saying which.
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

#include <opencv2/core/mat.hpp>

#include "throughput/cases.hpp"
#include "throughput/figures.hpp"
#include "throughput/sides.hpp"

namespace netgear::bench {

/// The next line from a child (netgear::tools::Child, or a Spawned program),
/// or std::runtime_error "<what>: ..." if it sent "error: ...", exited or
/// stayed silent for `timeout`.
template <class Source>
std::string expect_line(Source& child, std::chrono::milliseconds timeout, const std::string& what) {
  std::optional<std::string> line = child.read_line(timeout);
  if (!line) throw std::runtime_error(what + ": no answer (exited or timed out)");
  if (line->rfind("error: ", 0) == 0) throw std::runtime_error(what + ": " + line->substr(7));
  return *line;
}

/// How long the sender of a run may take: generous, never a figure.
inline std::chrono::milliseconds run_budget(const Config& c) {
  return std::chrono::seconds(60) + std::chrono::milliseconds(50) * (c.frames + c.warmup);
}

/// Receiver and sender in two forked processes; CPU and RSS per process.
Figures run_in_processes(const Config& c, const Case& k, const Implementation& impl, const cv::Mat& frame);

/// Receiver and sender as two threads of one forked process; CPU per thread
/// (and the process's), RSS of the process.
Figures run_in_threads(const Config& c, const Case& k, const Implementation& impl, const cv::Mat& frame);

}  // namespace netgear::bench
