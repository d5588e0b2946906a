#include "transport/monitor.hpp"

#include <atomic>
#include <cstdint>
#include <cstring>

namespace netgear::transport {
namespace {

constexpr int watched_events =
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
  return "inproc://netgear-handshake-monitor-" + std::to_string(next++);
}

}  // namespace

HandshakeMonitor::HandshakeMonitor(zmq::context_t& ctx, zmq::socket_t& watched) : socket_(ctx, zmq::socket_type::pair) {
  const std::string endpoint = unique_endpoint();
  if (zmq_socket_monitor(watched.handle(), endpoint.c_str(), watched_events) != 0) throw zmq::error_t();
  socket_.set(zmq::sockopt::linger, 0);
  socket_.connect(endpoint);
}

std::optional<HandshakeMonitor::Failure> HandshakeMonitor::failure() {
  for (;;) {
    zmq::message_t head, address;
    if (!socket_.recv(head, zmq::recv_flags::dontwait)) return std::nullopt;
    if (!head.more() || !socket_.recv(address, zmq::recv_flags::dontwait)) continue;
    if (head.size() < 6) continue;
    std::uint16_t event = 0;
    std::uint32_t value = 0;
    std::memcpy(&event, head.data(), 2);
    std::memcpy(&value, static_cast<const char*>(head.data()) + 2, 4);
    Failure f;
    f.endpoint = address.to_string();
    switch (event) {
      case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
        f.auth = true;
        f.reason = "refused by the authenticator (ZAP status " + std::to_string(value) + ")";
        return f;
      case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL: f.reason = protocol_reason(value); return f;
      case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
        f.reason = std::string("handshake failed: ") + zmq_strerror(static_cast<int>(value));
        return f;
      default: continue;
    }
  }
}

}  // namespace netgear::transport
