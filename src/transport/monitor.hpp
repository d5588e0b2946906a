#pragma once
// What libzmq's socket monitor reports about a socket's connections: peers
// accepted and gone (how a receiver counts its senders and notices one that
// vanished) and failed handshakes (how a secure receiver learns about clients
// it refused — wrong key, plain client, ZAP refusal — and a secure sender why
// it gets no answer).

#include <optional>
#include <string>

#include <zmq.hpp>

namespace netgear::transport {

class SocketMonitor {
 public:
  /// What to watch; handshake failures are always reported.
  enum class Watch { handshakes, connections_and_handshakes };

  /// Starts monitoring `watched` (call from the thread that owns it, before it
  /// binds or connects). The monitor's own socket is read with next().
  SocketMonitor(zmq::context_t& ctx, zmq::socket_t& watched, Watch watch = Watch::handshakes);

  /// The socket to poll for POLLIN.
  zmq::socket_t& socket() { return socket_; }

  /// Stops monitoring and closes the monitor's socket. Call before the
  /// watched socket is closed, from the thread that owns it (or once that
  /// thread has stopped): libzmq then sends no more events, and those queued
  /// are freed with the pipe. Otherwise the watched socket's last events race
  /// with the reader's close, and libzmq leaks an event it could not send.
  /// Idempotent; never throws.
  void stop() noexcept;

  struct Event {
    enum class Kind { accepted, disconnected, handshake_failed };
    Kind kind = Kind::accepted;
    /// accepted / disconnected: the connection's file descriptor (tcp, ipc);
    /// libzmq reports the same number as a message's ZMQ_SRCFD.
    int fd = -1;
    /// The monitored socket's endpoint (on a bound socket: the local one, not the peer's).
    std::string endpoint;
    std::string reason;  ///< handshake_failed: why, in words
    bool auth = false;   ///< handshake_failed: refused by the authenticator (ZAP), not a protocol error
  };
  /// The next event already reported, without blocking.
  std::optional<Event> next();

  using Failure = Event;
  /// The next handshake failure already reported, without blocking; other events are skipped.
  std::optional<Failure> failure();

 private:
  zmq::socket_t socket_;
  void* watched_;  // the monitored socket's handle (stable while it is open)
};

/// The remote address of an accepted connection, "1.2.3.4:5678" or
/// "[::1]:5678"; "an ipc peer" for ipc; "unknown" if the fd is already closed.
/// For logs: the number may have been reused since the event was reported.
std::string peer_address(int fd);

}  // namespace netgear::transport
