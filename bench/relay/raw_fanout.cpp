// `netgear_bench_relay raw`: raw 720p frames flat out through a Relay (in
// this process) to 1, 4 and 16 viewers, against the raw libzmq ceiling for
// the same fan-out measured in the same run: one XPUB bound, N SUBs, the
// same message size, no relay. Both are lossy the same way: a viewer whose
// pipe is full misses the frame (the relay counts it; plain XPUB drops it
// silently), so each figure is what the viewers could take.
#include <iostream>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "netgear/relay.hpp"
#include "netgear/sender.hpp"
#include "relay/commands.hpp"
#include "relay/viewer_tap.hpp"
#include "scene.hpp"
#include "transport/context.hpp"

namespace netgear::bench {
namespace {

using namespace std::chrono;

double aggregate_mb_s(std::vector<std::unique_ptr<ViewerTap>>& taps, double window) {
  for (auto& t : taps) t->reset();
  std::this_thread::sleep_for(duration<double>(window));
  std::uint64_t bytes = 0;
  for (auto& t : taps) bytes += t->take().bytes;
  return static_cast<double>(bytes) / window / 1e6;
}

// Plain cppzmq: XPUB -> n SUBs, sent flat out; a full pipe drops the frame.
double ceiling(zmq::context_t& ctx, const cv::Mat& frame, int n, double window) {
  zmq::socket_t pub(ctx, zmq::socket_type::xpub);
  pub.set(zmq::sockopt::sndhwm, 8);
  pub.set(zmq::sockopt::xpub_verbose, 1);  // every subscriber's "", to wait for all of them
  pub.set(zmq::sockopt::linger, 0);
  pub.bind("tcp://127.0.0.1:*");
  const std::string endpoint = pub.get(zmq::sockopt::last_endpoint);
  std::vector<std::unique_ptr<ViewerTap>> taps;
  for (int i = 0; i < n; ++i) taps.push_back(std::make_unique<ViewerTap>(ctx, endpoint, false));
  for (int joined = 0; joined < n;) {  // every subscription in before the first frame
    zmq::message_t sub;
    if (pub.recv(sub)) ++joined;
  }
  std::atomic<bool> stop{false};
  std::thread sending([&] {
    const std::string head = R"({"terminate_flag": false, "compression": false, "pattern": "2"})";
    while (!stop) {
      if (!pub.send(zmq::buffer(head), zmq::send_flags::sndmore)) continue;
      zmq::message_t payload(frame.data, frame.total() * frame.elemSize(), nullptr);  // zero-copy
      pub.send(payload, zmq::send_flags::none);
    }
  });
  std::this_thread::sleep_for(seconds(1));
  const double mb_s = aggregate_mb_s(taps, window);
  stop = true;
  sending.join();
  return mb_s;
}

// netgear: a Sender publishing flat out into a Relay, n viewers of it.
double through_relay(zmq::context_t& ctx, const cv::Mat& frame, int n, double window) {
  RelayConfig c;
  c.input.address = "127.0.0.1";
  c.input.port = PortSpec("0");
  c.input.pattern = Pattern::pub_sub;
  c.viewers.address = "127.0.0.1";
  c.viewers.port = PortSpec("0");
  Relay relay(c);
  std::vector<std::unique_ptr<ViewerTap>> taps;
  for (int i = 0; i < n; ++i) taps.push_back(std::make_unique<ViewerTap>(ctx, relay.viewer_endpoint(), true));
  while (relay.stats().viewers.size() < static_cast<std::size_t>(n)) std::this_thread::sleep_for(milliseconds(5));
  Settings s;
  s.address = "127.0.0.1";
  const auto input = relay.input_endpoints().front();
  s.port = PortSpec(input.substr(input.rfind(':') + 1));
  s.pattern = Pattern::pub_sub;
  Sender sender(s);
  sender.wait_for_receiver(seconds(10));
  const Frame f(frame);
  std::atomic<bool> stop{false};
  std::thread sending([&] {
    while (!stop) (void)sender.send(f);  // a full relay input: `dropped`, and the next one goes
  });
  std::this_thread::sleep_for(seconds(1));
  const double mb_s = aggregate_mb_s(taps, window);
  stop = true;
  sending.join();
  return mb_s;
}

}  // namespace

int run_raw(const RawArgs& a) {
  auto ctx = transport::shared_context();
  const cv::Mat frame = scene(a.width, a.height, 0);
  fmt::print("raw fan-out: {}x{}x3 frames ({:.2f} MB) flat out over tcp loopback, {:.0f} s windows; viewers are SUBs "
             "in this process reading without decoding\n\n",
             a.width, a.height, static_cast<double>(frame.total() * frame.elemSize()) / 1e6, a.seconds);
  fmt::print("{:>8} {:>22} {:>22} {:>10}\n", "viewers", "libzmq XPUB MB/s (agg)", "netgear relay MB/s", "of ceiling");
  for (const int n : a.viewers) {
    const double raw = ceiling(*ctx, frame, n, a.seconds);
    const double relayed = through_relay(*ctx, frame, n, a.seconds);
    fmt::print("{:>8} {:>22.0f} {:>22.0f} {:>9.0f}%\n", n, raw, relayed, raw > 0 ? 100 * relayed / raw : 0);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace netgear::bench
