#include "transport/sockets.hpp"

#include "video_codec/codecs.hpp"
#include "wire/video_topic.hpp"

#include <cerrno>

#include "netgear/error.hpp"

namespace netgear::transport {
namespace {

// The socket types of the three patterns, per role (WIRE.md section 2.1).
zmq::socket_type sender_type(Pattern pattern) {
  switch (pattern) {
    case Pattern::pair: return zmq::socket_type::pair;
    case Pattern::req_rep: return zmq::socket_type::req;
    case Pattern::pub_sub: return zmq::socket_type::xpub;
  }
  return zmq::socket_type::pair;
}

zmq::socket_type receiver_type(Pattern pattern) {
  switch (pattern) {
    case Pattern::pair: return zmq::socket_type::pair;
    case Pattern::req_rep: return zmq::socket_type::rep;
    case Pattern::pub_sub: return zmq::socket_type::sub;
  }
  return zmq::socket_type::pair;
}

std::string explain(const zmq::error_t& e, const std::string& endpoint) {
  std::string hint;
  if (e.num() == EADDRINUSE) hint = " (another process or socket already uses it)";
  if (e.num() == EPROTONOSUPPORT) hint = " (this libzmq was built without that transport)";
  if (e.num() == ENODEV) hint = " (no such network interface)";
  return endpoint + ": " + e.what() + hint;
}

void apply(zmq::socket_t& socket, const Curve& curve) {
  if (!curve.on()) return;
  if (curve.server_key.empty()) {
    socket.set(zmq::sockopt::curve_server, 1);
    socket.set(zmq::sockopt::zap_domain, curve.zap_domain);
  } else {
    socket.set(zmq::sockopt::curve_serverkey, curve.server_key);
  }
  socket.set(zmq::sockopt::curve_publickey, curve.public_key);
  socket.set(zmq::sockopt::curve_secretkey, curve.secret_key);
}

}  // namespace

std::string make_endpoint(Protocol protocol, const std::string& address, const std::string& port) {
  const std::string p = (protocol == Protocol::tcp && port == "0") ? "*" : port;
  return std::string(to_string(protocol)) + "://" + address + ":" + p;
}

zmq::socket_t open_sender_socket(zmq::context_t& ctx, Pattern pattern, const SenderTuning& tuning) {
  zmq::socket_t socket(ctx, sender_type(pattern));
  socket.set(zmq::sockopt::linger, 0);  // raised deliberately for the termination message only
  if (pattern == Pattern::req_rep) {
    socket.set(zmq::sockopt::req_relaxed, 1);
    socket.set(zmq::sockopt::req_correlate, 1);
  }
  if (pattern == Pattern::pub_sub) {
    socket.set(zmq::sockopt::sndhwm, 1);
    socket.set(zmq::sockopt::xpub_nodrop, tuning.nodrop ? 1 : 0);
    socket.set(zmq::sockopt::xpub_verboser, 1);  // every (un)subscription, to count receivers
    // No pipe to a receiver until it is connected, and none kept after it
    // leaves: no stale frame waits for a reconnect, and leaving unsubscribes.
    socket.set(zmq::sockopt::immediate, 1);
  }
  if (pattern != Pattern::pub_sub && tuning.immediate) socket.set(zmq::sockopt::immediate, 1);
  socket.set(zmq::sockopt::maxmsgsize, tuning.max_reply_size);
  apply(socket, tuning.curve);
  return socket;
}

void connect_all(zmq::socket_t& socket, const std::vector<std::string>& endpoints) {
  for (const auto& endpoint : endpoints) {
    try {
      socket.connect(endpoint);
    } catch (const zmq::error_t& e) {
      throw SetupError("netgear: failed to connect " + explain(e, endpoint));
    }
  }
}

zmq::socket_t open_receiver_socket(zmq::context_t& ctx, Pattern pattern, const Options& options, const Curve& curve) {
  zmq::socket_t socket(ctx, receiver_type(pattern));
  socket.set(zmq::sockopt::linger, 0);
  socket.set(zmq::sockopt::maxmsgsize, options.max_message_size);
  if (pattern == Pattern::pub_sub) {
    socket.set(zmq::sockopt::rcvhwm, 1);
    // The video codecs this build decodes, for a netgear publisher to read
    // (wire/video_topic.hpp); no message matches them.
    if (video_codec::available())
      for (const auto& codec : video_codec::kCodecs) socket.set(zmq::sockopt::subscribe, wire::video_topic(codec.name));
    // Everything: multi-server `filter` is applied per sender by the receiver,
    // which also keeps each sender's termination (a prefix would drop it).
    socket.set(zmq::sockopt::subscribe, "");
  }
  apply(socket, curve);
  return socket;
}

std::vector<std::string> bind_all(zmq::socket_t& socket, const std::vector<std::string>& endpoints) {
  std::vector<std::string> bound;
  for (const auto& endpoint : endpoints) {
    try {
      socket.bind(endpoint);
    } catch (const zmq::error_t& e) {
      throw SetupError("netgear: failed to bind " + explain(e, endpoint));
    }
    bound.push_back(socket.get(zmq::sockopt::last_endpoint));
  }
  return bound;
}

std::vector<std::string> attach_all(zmq::socket_t& socket, const std::vector<std::string>& endpoints, bool bind) {
  if (bind) return bind_all(socket, endpoints);
  connect_all(socket, endpoints);
  return endpoints;
}

WaitResult wait_for(zmq::socket_t& socket, short events, const Waker* waker, Deadline deadline, zmq::socket_t* side) {
  zmq::pollitem_t items[3] = {{socket.handle(), 0, events, 0},
                              {nullptr, waker ? waker->fd() : -1, static_cast<short>(waker ? ZMQ_POLLIN : 0), 0},
                              {side ? side->handle() : nullptr, -1, static_cast<short>(side ? ZMQ_POLLIN : 0), 0}};
  const int count = side ? 3 : (waker ? 2 : 1);
  for (;;) {
    long timeout_ms = -1;
    if (deadline) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now()).count();
      timeout_ms = left > 0 ? static_cast<long>(left) : 0;
    }
    int n = zmq_poll(items, count, timeout_ms);
    if (n < 0) {
      if (zmq_errno() == EINTR) continue;
      throw zmq::error_t();
    }
    if (waker && (items[1].revents & ZMQ_POLLIN)) return WaitResult::woken;
    if (items[0].revents & events) return WaitResult::ready;
    if (side && (items[2].revents & ZMQ_POLLIN)) return WaitResult::side_ready;
    if (deadline && Clock::now() >= *deadline) return WaitResult::timed_out;
  }
}

std::size_t recv_all(zmq::socket_t& socket, std::vector<zmq::message_t>& parts, std::size_t keep) {
  parts.clear();
  for (std::size_t count = 1;; ++count) {
    zmq::message_t part;
    if (!socket.recv(part, zmq::recv_flags::dontwait)) return count - 1;
    const bool more = part.more();
    if (parts.size() < keep) parts.push_back(std::move(part));  // the rest is freed here, part by part
    if (!more) return count;
  }
}

zmq::socket_t open_viewer_socket(zmq::context_t& ctx, int backlog, std::int64_t max_subscription,
                                 const Curve& curve) {
  zmq::socket_t socket(ctx, zmq::socket_type::xpub);
  socket.set(zmq::sockopt::linger, 0);
  socket.set(zmq::sockopt::sndhwm, backlog);
  socket.set(zmq::sockopt::xpub_nodrop, 1);   // a full viewer: EAGAIN, counted, instead of a silent drop
  socket.set(zmq::sockopt::xpub_manual, 1);   // each connection subscribed to its viewer's topic only
  socket.set(zmq::sockopt::immediate, 1);     // no pipe (and no backlog) for a viewer not connected
  socket.set(zmq::sockopt::maxmsgsize, max_subscription);
  apply(socket, curve);
  return socket;
}

}  // namespace netgear::transport
