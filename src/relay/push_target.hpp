#pragma once
// A receiver that binds (vidgear's, usually) that the relay pushes the
// stream to, as a sender would: its own channel (sender/channel.hpp) on its
// own thread, so that its replies, its timeouts and its retries never hold
// the relay up. It holds one frame at a time: a newer frame replaces one it
// has not taken yet (counted as dropped). Video packets are not pushed (the
// receivers it is for cannot decode them); they count as dropped.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <spdlog/spdlog.h>

#include "frame_codec.hpp"
#include "netgear/relay.hpp"
#include "relay/packet.hpp"
#include "sender/channel.hpp"
#include "transport/waker.hpp"

namespace netgear::relay {

class PushTarget {
 public:
  /// `settings`: a sender's (pattern, address, port, options). Throws
  /// OptionError or SetupError as a Sender would.
  PushTarget(Settings settings, spdlog::logger& log);
  ~PushTarget() { close(); }
  PushTarget(const PushTarget&) = delete;
  PushTarget& operator=(const PushTarget&) = delete;

  /// Hands a packet over (a share of it) without waiting.
  void offer(Packet& packet);
  [[nodiscard]] RelayPushStats stats() const;
  /// Waits (until `timeout`) for what was handed over to be sent, so that
  /// an end of stream offered just before close() still goes out.
  void drain(std::chrono::milliseconds timeout);
  /// Stops the thread (a frame in flight is given up). Idempotent.
  void close() noexcept;

 private:
  void run();
  std::unique_ptr<detail::Channel> open_channel();

  const Settings settings_;
  spdlog::logger& log_;
  const detail::Decoding decoding_;
  std::string endpoint_;
  transport::Waker waker_;
  detail::ChannelCounters counters_;
  std::unique_ptr<detail::Channel> channel_;  // the thread's

  mutable std::mutex mutex_;
  std::condition_variable ready_, idle_;
  std::optional<Packet> frame_;  // guarded by mutex_
  bool end_ = false, stop_ = false, busy_ = false;  // guarded by mutex_
  std::uint64_t dropped_ = 0;       // guarded by mutex_
  std::thread thread_;
};

}  // namespace netgear::relay
