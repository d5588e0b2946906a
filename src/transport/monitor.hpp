#pragma once
// Handshake failures of a socket, from libzmq's socket monitor: how a secure
// receiver learns about clients that were refused (wrong key, plain client,
// ZAP refusal) and a secure sender why it gets no answer.

#include <optional>
#include <string>

#include <zmq.hpp>

namespace netgear::transport {

class HandshakeMonitor {
 public:
  /// Starts monitoring `watched` (call from the thread that owns it, before it
  /// binds or connects). The monitor's own socket is read with failure().
  HandshakeMonitor(zmq::context_t& ctx, zmq::socket_t& watched);

  /// The socket to poll for POLLIN.
  zmq::socket_t& socket() { return socket_; }

  /// One failed handshake: the peer's endpoint and why, in words.
  struct Failure {
    std::string endpoint;
    std::string reason;
    bool auth = false;  ///< refused by the authenticator (ZAP), not a protocol error
  };
  /// The next failure already reported, without blocking; other events are skipped.
  std::optional<Failure> failure();

 private:
  zmq::socket_t socket_;
};

}  // namespace netgear::transport
