#pragma once
// A receiver's view of its peers through libzmq's socket monitor (tcp, ipc):
//  - secure mode: clients whose handshake failed are counted (and logged at
//    most every 10 s: a refused client retries every 100 ms);
//  - senders that vanished without a termination: once the last one has gone
//    and none came back for sender_gone_timeout, senders_gone() says so;
//  - PAIR: a peer that holds the one slot without sending while another tries
//    to connect is logged (rate-limited) and counted.
// The rules live in PeerBook (socket-free); this class feeds it. Used by the
// receiver's I/O thread only, except the counters, which any thread may read.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>

#include <spdlog/spdlog.h>
#include <zmq.hpp>

#include "netgear/options.hpp"
#include "log_limit.hpp"
#include "receiver/peer_book.hpp"
#include "transport/monitor.hpp"

namespace netgear::detail {

class PeerWatch {
 public:
  using Time = PeerBook::Time;

  /// Starts monitoring `watched` (before it binds). Throws zmq::error_t.
  PeerWatch(zmq::context_t& ctx, zmq::socket_t& watched, const Settings& settings,
            std::shared_ptr<spdlog::logger> log);

  /// Whether a receiver with these settings gets one: one that binds, on tcp
  /// or ipc (they report connections).
  static bool applies(const Settings& settings);

  /// The monitor's socket, to poll for POLLIN; then call drain().
  zmq::socket_t& socket() { return monitor_.socket(); }
  /// Takes every event reported so far.
  void drain(Time now);
  /// The connection (fd) a message part came from; -1 when unknown (inproc).
  static int connection_of(const zmq::message_t& part);
  /// A valid frame arrived from connection_of() a part. Call drain() first, so
  /// that the connection's arrival is known.
  void frame_from(int connection, Time now) { book_.frame_from(connection, now); }

  /// When to call on_timer() next: the senders-gone deadline or an idle-peer check.
  [[nodiscard]] std::optional<Time> next_due() const;
  /// True when the stream should end because its senders are gone (logged);
  /// otherwise logs an idle PAIR peer if one is due.
  [[nodiscard]] bool on_timer(Time now);

  void close() noexcept { monitor_.stop(); }

  std::atomic<std::uint64_t> rejected{0};            ///< refused handshakes
  std::atomic<std::uint64_t> idle_peer_warnings{0};  ///< idle PAIR peers reported
  std::atomic<std::size_t> peers{0};                 ///< connections open now

 private:
  void note_refused(const transport::SocketMonitor::Event& failure, Time now);
  [[nodiscard]] std::optional<Time> gone_deadline() const;

  transport::SocketMonitor monitor_;
  std::shared_ptr<spdlog::logger> log_;
  std::optional<std::chrono::milliseconds> grace_;  // sender_gone_timeout in effect; nullopt: never
  bool pair_;
  PeerBook book_;
  LogLimiter refused_log_{1, std::chrono::seconds(10)};
};

}  // namespace netgear::detail
