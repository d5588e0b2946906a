#pragma once
// Sockets per pattern and role, endpoints, bind/connect with clear errors, and
// the one blocking primitive everything uses: wait on a socket (and a Waker)
// until a deadline. No netgear message format here.

#include <chrono>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "netgear/options.hpp"
#include "netgear/types.hpp"
#include "transport/waker.hpp"

namespace netgear::transport {

using Clock = std::chrono::steady_clock;
using Deadline = std::optional<Clock::time_point>;  ///< nullopt: wait forever

/// `<protocol>://<address>:<port>` (vidgear's form for every protocol); a
/// port of "0" on tcp becomes "*" (any free port).
std::string make_endpoint(Protocol protocol, const std::string& address, const std::string& port);

/// CURVE settings of a socket (Z85 keys). Empty public_key: no security.
struct Curve {
  std::string public_key, secret_key;  ///< this socket's own pair
  std::string server_key;              ///< a client (sender): the receiver's public key
  std::string zap_domain;              ///< a server (receiver): its authenticator policy
  [[nodiscard]] bool on() const { return !public_key.empty(); }
};

/// Per-mode adjustments of a sender socket.
/// The largest reply a sender takes when the receiver cannot return a frame
/// (no bidirectional mode): vidgear's text replies and data replies without
/// data are well under 1 KiB.
inline constexpr std::int64_t max_plain_reply_size = 64 * 1024;

struct SenderTuning {
  bool immediate = false;  ///< ZMQ_IMMEDIATE on PAIR/REQ: queue only to connected receivers
  bool bind = false;       ///< receiver_dials: the sender binds its endpoints instead of connecting
  bool nodrop = true;      ///< XPUB_NODROP on PUB/SUB: EAGAIN instead of a silent drop
  Curve curve;             ///< CURVE client keys (secure mode)
  /// ZMQ_MAXMSGSIZE for what the sender reads: replies (patterns 0/1) or
  /// subscriptions (XPUB). A larger message drops the peer's connection, so
  /// it is never buffered. -1 = no limit.
  std::int64_t max_reply_size = max_plain_reply_size;
};

/// Socket of a sender, configured but not connected yet (so a monitor can be
/// attached first): PAIR; REQ with REQ_RELAXED and REQ_CORRELATE; or XPUB
/// with SNDHWM 1 and XPUB_NODROP (a lagging receiver makes send fail with
/// EAGAIN, which netgear counts, instead of a silent drop), XPUB_VERBOSER and
/// IMMEDIATE (receivers are counted as they come and go). Linger 0.
zmq::socket_t open_sender_socket(zmq::context_t& ctx, Pattern pattern, const SenderTuning& tuning = {});

/// Connects `socket` to every endpoint; throws SetupError naming the one that failed.
void connect_all(zmq::socket_t& socket, const std::vector<std::string>& endpoints);

/// Binds (`bind`) or connects `socket` to every endpoint: the one place that
/// decides which, for either role (Settings::binds). Returns the endpoints,
/// wildcard ports resolved where bound. Throws SetupError naming the endpoint.
std::vector<std::string> attach_all(zmq::socket_t& socket, const std::vector<std::string>& endpoints, bool bind);

/// Socket of a receiver: PAIR, REP, or SUB with RCVHWM 1 subscribed to "";
/// a CURVE server when `curve` is on. Not bound yet (see bind_all).
zmq::socket_t open_receiver_socket(zmq::context_t& ctx, Pattern pattern, const Options& options,
                                   const Curve& curve = {});

/// Binds a receiver socket to every endpoint; returns the endpoints with
/// wildcard ports resolved. Throws SetupError naming the endpoint.
std::vector<std::string> bind_all(zmq::socket_t& socket, const std::vector<std::string>& endpoints);

/// The socket of a relay's viewer face (see relay/viewer_face.hpp): XPUB in
/// manual mode with XPUB_NODROP, SNDHWM `backlog` per viewer, IMMEDIATE, and
/// subscriptions of at most `max_subscription` bytes (a longer one drops
/// the peer). A CURVE server when `curve` is on. Not bound yet.
zmq::socket_t open_viewer_socket(zmq::context_t& ctx, int backlog, std::int64_t max_subscription,
                                 const Curve& curve = {});

enum class WaitResult { ready, timed_out, woken, side_ready };

/// Waits until `socket` has `events` (ZMQ_POLLIN / ZMQ_POLLOUT), `waker` is
/// signalled, `side` (if given) has a message to read, or `deadline` passes.
/// The waker wins over the sockets, `socket` over `side`. Never spins; EINTR
/// is retried.
WaitResult wait_for(zmq::socket_t& socket, short events, const Waker* waker, Deadline deadline,
                    zmq::socket_t* side = nullptr);

/// Reads every part of the next message without blocking (the caller waited
/// for POLLIN), keeping the first `keep` parts in `parts` and dropping the
/// rest as they are read: libzmq hands over only whole multipart messages and
/// has no limit on their part count, so a peer's endless message must at
/// least not be held twice. Returns the message's number of parts; 0 if no
/// message was there.
std::size_t recv_all(zmq::socket_t& socket, std::vector<zmq::message_t>& parts,
                     std::size_t keep = std::numeric_limits<std::size_t>::max());

}  // namespace netgear::transport
