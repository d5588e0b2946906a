// The ceiling's side of a case: raw libzmq (cppzmq), the same messages and
// replies as netgear's, no netgear logic.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include <zmq.hpp>

#include "netgear/keys.hpp"
#include "throughput/meters.hpp"
#include "throughput/sides.hpp"

namespace netgear::bench {
namespace {

using namespace std::chrono;

constexpr int kSocketTimeoutMs = 15000;  // every raw wait is bounded

// One context per process while any side uses it, made on first use — what
// netgear's transport::shared_context() does (and pyzmq's
// Context.instance()). The two threads of a threads-mode run share it, as
// inproc requires and as netgear's two sides share theirs: one I/O thread.
// In process mode each process has its own.
std::shared_ptr<zmq::context_t> raw_context() {
  static std::mutex mutex;
  static std::weak_ptr<zmq::context_t> current;  // guarded by mutex
  std::lock_guard lock(mutex);
  auto ctx = current.lock();
  if (!ctx) {
    ctx = std::make_shared<zmq::context_t>(1);
    current = ctx;
  }
  return ctx;
}

// "[480, 640, 3]", spaced as Python's json.dumps (and netgear) write it.
std::string shape_text(const Size& s) {
  std::string text = "[" + std::to_string(s.height) + ", " + std::to_string(s.width);
  if (s.channels != 1) text += ", " + std::to_string(s.channels);
  return text + "]";
}

// A header of the same keys and size as netgear's, with the send time.
std::string raw_header(const Case& k, std::uint64_t seq) {
  const auto ns = duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count();
  return R"({"terminate_flag": false, "compression": false, "message": null, "pattern": ")" +
         std::to_string(k.pattern) + R"(", "dtype": ")" + k.size.dtype() + R"(", "shape": )" + shape_text(k.size) +
         R"(, "netgear_seq": )" + std::to_string(seq) + R"(, "netgear_sent_ns": )" + std::to_string(ns) + "}";
}

system_clock::time_point header_sent_at(const zmq::message_t& header) {
  const json h = json::parse(header.to_string_view());
  return system_clock::time_point(duration_cast<system_clock::duration>(nanoseconds(h.at("netgear_sent_ns").get<std::int64_t>())));
}

// CURVE on a raw socket with the store's keys (no ZAP handler: libzmq admits
// any client that knows the server key, the cheapest StoneHouse there is).
void raw_curve(zmq::socket_t& socket, const Config& c, bool server) {
  const netgear::KeyStore store = netgear::KeyStore::at(c.key_location());
  const auto own = store.secret_pair(server ? "server" : "client");
  if (server) socket.set(zmq::sockopt::curve_server, 1);
  else socket.set(zmq::sockopt::curve_serverkey, store.public_key("server"));
  socket.set(zmq::sockopt::curve_publickey, own.public_key);
  socket.set(zmq::sockopt::curve_secretkey, own.secret_key);
}

void raw_recv(zmq::socket_t& socket, zmq::message_t& message) {
  if (!socket.recv(message)) throw std::runtime_error("raw: nothing arrived within the socket timeout");
}

}  // namespace

int raw_receiver(const Config& c, const Case& k, const std::string& local_name, const Report& report) {
  const auto ctx = raw_context();  // declared before the socket: closed after it
  const auto type = k.pattern == 0 ? zmq::socket_type::pair : k.pattern == 1 ? zmq::socket_type::rep : zmq::socket_type::sub;
  zmq::socket_t socket(*ctx, type);
  if (k.secure) raw_curve(socket, c, true);
  socket.set(zmq::sockopt::rcvtimeo, kSocketTimeoutMs);
  socket.set(zmq::sockopt::sndtimeo, kSocketTimeoutMs);
  if (k.pattern == 2) {
    socket.set(zmq::sockopt::rcvhwm, 1);
    socket.set(zmq::sockopt::subscribe, "");
  }
  socket.bind(k.protocol == "tcp" ? std::string("tcp://127.0.0.1:*") : k.protocol + "://" + local_name);
  report(socket.get(zmq::sockopt::last_endpoint));
  ReceiverMeter meter(c.warmup, c.frames, k.cpu_scope());
  for (;;) {
    zmq::message_t header, payload;
    raw_recv(socket, header);
    if (!header.more()) break;  // the one-part end message
    raw_recv(socket, payload);
    if (payload.size() != k.size.bytes()) throw std::runtime_error("raw: a payload of the wrong size");
    if (k.pattern != 2) (void)socket.send(zmq::str_buffer("Data received on device: RAW00000 !"), zmq::send_flags::none);
    meter.frame(header_sent_at(header));
    process_frame(c);
  }
  if (k.pattern == 1) (void)socket.send(zmq::str_buffer("end"), zmq::send_flags::none);
  report(meter.report().dump());
  return 0;
}

json raw_sender(const Config& c, const Case& k, const std::string& endpoint, const cv::Mat& frame) {
  const auto ctx = raw_context();  // declared before the socket: closed after it
  const auto type = k.pattern == 0 ? zmq::socket_type::pair : k.pattern == 1 ? zmq::socket_type::req : zmq::socket_type::xpub;
  zmq::socket_t socket(*ctx, type);
  if (k.secure) raw_curve(socket, c, false);
  socket.set(zmq::sockopt::linger, 1000);
  socket.set(zmq::sockopt::rcvtimeo, kSocketTimeoutMs);
  if (k.pattern == 2) {
    socket.set(zmq::sockopt::sndhwm, 1);
    socket.set(zmq::sockopt::xpub_nodrop, 1);
  }
  socket.connect(endpoint);
  zmq::message_t reply;
  if (k.pattern == 2) raw_recv(socket, reply);  // the subscription
  // XPUB_NODROP says EAGAIN while the pipe is full: offer again until the
  // timeout, re-stamping the header each time as netgear's send() does.
  // Reading ZMQ_EVENTS between offers makes libzmq process its pending
  // commands (the pipe's "writable again") at once: a non-blocking send
  // checks them at most about once a millisecond (its command throttle),
  // which alone held this ceiling near 800 frames/s whatever the frame size.
  auto send_first_part = [&](const std::function<std::string()>& make, zmq::send_flags flags) {
    const auto deadline = steady_clock::now() + milliseconds(kSocketTimeoutMs);
    while (!socket.send(zmq::buffer(make()), flags | zmq::send_flags::dontwait)) {
      (void)socket.get(zmq::sockopt::events);
      if (steady_clock::now() > deadline) throw std::runtime_error("raw: the socket took nothing within the timeout");
    }
  };
  SenderMeter meter(c.warmup, k.cpu_scope());
  Pacer pacer(c);
  for (int i = 0; i < c.frames + c.warmup; ++i) {
    pacer.wait();
    send_first_part([&] { return raw_header(k, static_cast<std::uint64_t>(i)); }, zmq::send_flags::sndmore);
    // Zero-copy like netgear's default copy=false.
    zmq::message_t payload(frame.data, frame.total() * frame.elemSize(), nullptr, nullptr);
    (void)socket.send(payload, zmq::send_flags::dontwait);
    if (k.pattern != 2) raw_recv(socket, reply);
    meter.sent();
  }
  json figures = meter.report();
  send_first_part([] { return std::string("end"); }, zmq::send_flags::none);
  if (k.pattern == 1) raw_recv(socket, reply);
  return figures;
}

}  // namespace netgear::bench
