#pragma once
// A viewer of the benchmark: a SUB on its own thread that subscribes as a
// netgear viewer does (its viewer topic) and reads what the relay sends it,
// or plainly ("") what a publisher sends, without decoding the payload.
// The relay does the same work either way; decoding 720p JPEG for 50
// viewers would take more cores than this machine has, and measure the
// decoder, not the relay. Latency: arrival (this clock) minus the sender's
// netgear_sent_ns stamp in the header, same machine.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <zmq.hpp>

#include "wire/viewer_topic.hpp"

namespace netgear::bench {

inline std::int64_t unix_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class ViewerTap {
 public:
  /// `relay`: subscribe with a viewer topic (to a relay); else plainly.
  ViewerTap(zmq::context_t& ctx, const std::string& endpoint, bool relay) : socket_(ctx, zmq::socket_type::sub) {
    topic_ = relay ? std::string(wire::viewer_topic_prefix) + wire::new_viewer_id() : std::string();
    socket_.set(zmq::sockopt::rcvhwm, 4);
    socket_.set(zmq::sockopt::linger, 0);
    socket_.set(zmq::sockopt::rcvtimeo, 100);
    socket_.set(zmq::sockopt::subscribe, topic_);
    socket_.connect(endpoint);
    thread_ = std::thread([this] { run(); });
  }
  ~ViewerTap() {
    stop_ = true;
    thread_.join();
  }
  ViewerTap(const ViewerTap&) = delete;
  ViewerTap& operator=(const ViewerTap&) = delete;

  /// Starts a measuring window: counters and samples from now on.
  void reset() {
    std::lock_guard lock(mutex_);
    frames_ = bytes_ = 0;
    latency_ms_.clear();
  }
  struct Window {
    std::uint64_t frames = 0, bytes = 0;
    std::vector<double> latency_ms;
  };
  Window take() {
    std::lock_guard lock(mutex_);
    return {frames_, bytes_, latency_ms_};
  }
  [[nodiscard]] std::uint64_t total() const { return total_; }

 private:
  void run() {
    std::vector<zmq::message_t> parts;
    while (!stop_) {
      parts.clear();
      for (bool more = true; more;) {
        zmq::message_t part;
        if (!socket_.recv(part)) break;
        more = part.more();
        parts.push_back(std::move(part));
      }
      const std::size_t skip = topic_.empty() ? 0 : 1;
      if (parts.size() != skip + 2) continue;  // a termination, or nothing yet
      const auto head = parts[skip].to_string_view();
      const auto at = head.find("\"netgear_sent_ns\": ");
      const auto now = unix_ns();
      ++total_;
      std::lock_guard lock(mutex_);
      ++frames_;
      bytes_ += parts[skip + 1].size();
      if (at != std::string_view::npos)
        latency_ms_.push_back(static_cast<double>(now - std::stoll(std::string(head.substr(at + 19, 20)))) / 1e6);
    }
  }

  zmq::socket_t socket_;
  std::string topic_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> total_{0};
  std::mutex mutex_;
  std::uint64_t frames_ = 0, bytes_ = 0;
  std::vector<double> latency_ms_;
  std::thread thread_;
};

}  // namespace netgear::bench
