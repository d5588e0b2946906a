#pragma once
// The two C++ implementations a case runs, each as a receiver body (binds,
// reports its endpoint, then its figures) and a sender body (connects, sends
// warm-up + timed frames, returns its figures): netgear, and its ceiling, raw
// libzmq moving the same two-part messages with the same reply discipline.
// A body runs on one thread, in its own process (Mode::process) or next to
// the other side's thread (Mode::threads); its meters read the CPU clock of
// the case's scope. Bodies throw std::runtime_error when something fails.
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>
#include <opencv2/core/mat.hpp>

#include "throughput/cases.hpp"

namespace netgear::bench {

/// Sends one line to whoever runs the side (the parent process, or the
/// threads-mode runner).
using Report = std::function<void(const std::string&)>;

// `local_name`: a fresh path, the ipc socket (ipc) or the socket's name
// (inproc); unused with tcp, which binds 127.0.0.1 on a free port.
int netgear_receiver(const Config& c, const Case& k, const std::string& local_name, const Report& report);
json netgear_sender(const Config& c, const Case& k, const std::string& endpoint, const cv::Mat& frame);

int raw_receiver(const Config& c, const Case& k, const std::string& local_name, const Report& report);
json raw_sender(const Config& c, const Case& k, const std::string& endpoint, const cv::Mat& frame);

/// --process-ms: the receiving application's own work on a frame, done after
/// recv() returns it, as a slow consumer (a detector, a display) would.
inline void process_frame(const Config& c) {
  if (c.process_ms > 0) std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(c.process_ms));
}

/// --send-fps: a sender's clock. wait() returns at the next tick (at once
/// when the sender is behind or no rate is set), as a camera hands out frames.
class Pacer {
 public:
  explicit Pacer(const Config& c)
      : period_(c.send_fps > 0 ? std::chrono::duration<double>(1.0 / c.send_fps) : std::chrono::duration<double>(0)) {}
  void wait() {
    if (period_.count() <= 0) return;
    next_ += std::chrono::duration_cast<std::chrono::steady_clock::duration>(period_);
    const auto now = std::chrono::steady_clock::now();
    if (next_ < now) next_ = now;  // behind: no burst to catch up
    std::this_thread::sleep_until(next_);
  }

 private:
  std::chrono::duration<double> period_;
  std::chrono::steady_clock::time_point next_ = std::chrono::steady_clock::now();
};

/// One C++ implementation by its two bodies and its names.
struct Implementation {
  const char* row_name;     // in the table and errors
  const char* secure_row;   // the same, with --secure
  const char* ipc_prefix;   // its ipc socket names in the work folder
  int (*receiver)(const Config&, const Case&, const std::string&, const Report&);
  json (*sender)(const Config&, const Case&, const std::string&, const cv::Mat&);
  [[nodiscard]] const char* name(const Case& k) const { return k.secure ? secure_row : row_name; }
};

inline const Implementation kNetgear{"netgear", "StoneHouse", "ng", netgear_receiver, netgear_sender};
inline const Implementation kRaw{"raw zmq", "raw CURVE", "raw", raw_receiver, raw_sender};

}  // namespace netgear::bench
