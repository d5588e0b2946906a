#include "transport/monitor.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <cstdint>
#include <cstring>

namespace netgear::transport {
namespace {

constexpr int handshake_events =
    ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;

std::string protocol_reason(std::uint32_t code) {
  switch (code) {
    case ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH:
      return "security mechanism mismatch (one side uses CURVE, the other does not)";
    case ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC:
      return "CURVE cryptographic error (the client uses another server key?)";
    default: return "ZMTP protocol error " + std::to_string(code);
  }
}

std::string unique_endpoint() {
  static std::atomic<unsigned> next{0};
  return "inproc://netgear-socket-monitor-" + std::to_string(next++);
}

}  // namespace

SocketMonitor::SocketMonitor(zmq::context_t& ctx, zmq::socket_t& watched, Watch watch)
    : socket_(ctx, zmq::socket_type::pair), watched_(watched.handle()) {
  const std::string endpoint = unique_endpoint();
  int events = handshake_events;
  if (watch == Watch::connections_and_handshakes) events |= ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED;
  if (zmq_socket_monitor(watched.handle(), endpoint.c_str(), events) != 0) throw zmq::error_t();
  socket_.set(zmq::sockopt::linger, 0);
  // libzmq sends events with a blocking send from its I/O thread, shared by
  // every socket of the context: a full event pipe would stall them all while
  // our reader is busy (a receiver blocked on a full queue, and a peer
  // connecting in a loop). Room for ~100k events (a few MB) instead of 1000.
  socket_.set(zmq::sockopt::rcvhwm, 100'000);
  socket_.connect(endpoint);
}

void SocketMonitor::stop() noexcept {
  if (!socket_) return;
  (void)zmq_socket_monitor(watched_, nullptr, 0);
  socket_.close();
}

std::optional<SocketMonitor::Event> SocketMonitor::next() {
  for (;;) {
    zmq::message_t head, address;
    if (!socket_.recv(head, zmq::recv_flags::dontwait)) return std::nullopt;
    if (!head.more() || !socket_.recv(address, zmq::recv_flags::dontwait)) continue;
    if (head.size() < 6) continue;
    std::uint16_t event = 0;
    std::uint32_t value = 0;
    std::memcpy(&event, head.data(), 2);
    std::memcpy(&value, static_cast<const char*>(head.data()) + 2, 4);
    Event e;
    e.endpoint = address.to_string();
    switch (event) {
      case ZMQ_EVENT_ACCEPTED:
      case ZMQ_EVENT_DISCONNECTED:
        e.kind = event == ZMQ_EVENT_ACCEPTED ? Event::Kind::accepted : Event::Kind::disconnected;
        e.fd = static_cast<int>(value);
        return e;
      case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
        e.kind = Event::Kind::handshake_failed;
        e.auth = true;
        e.reason = "refused by the authenticator (ZAP status " + std::to_string(value) + ")";
        return e;
      case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
        e.kind = Event::Kind::handshake_failed;
        e.reason = protocol_reason(value);
        return e;
      case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
        e.kind = Event::Kind::handshake_failed;
        e.reason = std::string("handshake failed: ") + zmq_strerror(static_cast<int>(value));
        return e;
      default: continue;
    }
  }
}

std::optional<SocketMonitor::Failure> SocketMonitor::failure() {
  while (auto e = next())
    if (e->kind == Event::Kind::handshake_failed) return e;
  return std::nullopt;
}

std::string peer_address(int fd) {
  sockaddr_storage peer{};
  socklen_t size = sizeof peer;
  if (fd < 0 || getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &size) != 0) return "unknown";
  char host[INET6_ADDRSTRLEN] = {};
  if (peer.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&peer);
    inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
    return std::string(host) + ":" + std::to_string(ntohs(a->sin_port));
  }
  if (peer.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&peer);
    inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
    return "[" + std::string(host) + "]:" + std::to_string(ntohs(a->sin6_port));
  }
  return peer.ss_family == AF_UNIX ? "an ipc peer" : "unknown";
}

}  // namespace netgear::transport
