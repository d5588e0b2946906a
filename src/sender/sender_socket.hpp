#pragma once
// The sender's ZeroMQ socket and what comes with it: connected to every
// endpoint, a handshake monitor attached before it connects (secure mode),
// replaced by a fresh one on a Lazy Pirate reset, and closed with a linger
// that bounds how long ZeroMQ may still push the termination out.
//
// Not thread-safe: the channel that owns it serialises every call.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <zmq.hpp>

#include "netgear/types.hpp"
#include "transport/monitor.hpp"
#include "transport/sockets.hpp"

namespace netgear::detail {

class SenderSocket {
 public:
  /// Opens and connects (or binds, with tuning.bind); throws SetupError
  /// naming an endpoint that failed.
  SenderSocket(zmq::context_t& ctx, Pattern pattern, std::vector<std::string> endpoints,
               transport::SenderTuning tuning);
  ~SenderSocket() { close(std::chrono::milliseconds(0)); }
  SenderSocket(const SenderSocket&) = delete;
  SenderSocket& operator=(const SenderSocket&) = delete;

  zmq::socket_t& get() { return socket_; }
  [[nodiscard]] const std::vector<std::string>& endpoints() const { return endpoints_; }

  /// Lazy Pirate: closes the socket and connects a fresh one, so a late reply
  /// to the old one can never be taken for the next frame's. A sender that
  /// binds binds the same (resolved) endpoints again.
  void reset();

  /// Offers the first part of a message without waiting; false when the
  /// socket cannot take it now (a full pipe, no peer).
  bool offer(std::string_view first_part);

  /// Secure mode: advice for a timeout, from the failed handshakes the
  /// monitor saw ("" when none). The last failure is kept until
  /// handshake_succeeded(): a socket reset after a timeout may not have failed
  /// its own handshake yet when the next timeout ends.
  std::string handshake_trouble();
  /// A reply came: the handshake works.
  void handshake_succeeded() { last_failure_.reset(); }

  /// Closes the socket; ZeroMQ may go on sending what is queued for `linger`.
  /// Idempotent; never throws.
  void close(std::chrono::milliseconds linger) noexcept;

 private:
  void open(bool again = false);  // again: after reset()

  zmq::context_t& ctx_;
  const Pattern pattern_;
  std::vector<std::string> endpoints_;  // resolved once bound
  const transport::SenderTuning tuning_;
  zmq::socket_t socket_;
  std::optional<transport::SocketMonitor> monitor_;  // secure mode: why replies do not come
  std::optional<transport::SocketMonitor::Failure> last_failure_;
};

}  // namespace netgear::detail
