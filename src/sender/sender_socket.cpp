#include "sender/sender_socket.hpp"

#include <thread>

#include "netgear/error.hpp"

namespace netgear::detail {
namespace {

// How long a sender that binds retries its port when a reset binds it again.
constexpr auto kRebindFor = std::chrono::seconds(1);

}  // namespace

SenderSocket::SenderSocket(zmq::context_t& ctx, Pattern pattern, std::vector<std::string> endpoints,
                           transport::SenderTuning tuning)
    : ctx_(ctx), pattern_(pattern), endpoints_(std::move(endpoints)), tuning_(std::move(tuning)) {
  open();
}

void SenderSocket::open(bool again) {
  socket_ = transport::open_sender_socket(ctx_, pattern_, tuning_);
  // Before connecting: a handshake that fails at once is not missed. A plain
  // sender is watched too, so one refused by a secure receiver can say why
  // (inproc has no handshake to fail).
  const bool handshakes = tuning_.curve.on() || endpoints_.empty() || !endpoints_.front().starts_with("inproc://");
  if (handshakes) monitor_.emplace(ctx_, socket_);
  if (!tuning_.bind) return transport::connect_all(socket_, endpoints_);
  // ZeroMQ releases a closed listener asynchronously: after a reset, the
  // port may still be taken for a moment.
  const auto deadline = std::chrono::steady_clock::now() + (again ? kRebindFor : std::chrono::seconds(0));
  for (;;) {
    try {
      endpoints_ = transport::bind_all(socket_, endpoints_);
      return;
    } catch (const SetupError&) {
      if (std::chrono::steady_clock::now() >= deadline) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
}

void SenderSocket::reset() {
  if (monitor_) monitor_->stop();  // before the socket it watches
  monitor_.reset();
  socket_.close();
  open(/*again=*/true);
}

bool SenderSocket::offer(std::string_view first_part) {
  // A full pipe's "writable again" is a pending command that a non-blocking
  // send processes at most about once a millisecond; reading ZMQ_EVENTS
  // processes it now, so a pipe the receiver has drained is seen as such
  // before the frame is called dropped.
  const auto flags = zmq::send_flags::sndmore | zmq::send_flags::dontwait;
  if (socket_.send(zmq::buffer(first_part), flags)) return true;
  (void)socket_.get(zmq::sockopt::events);
  return socket_.send(zmq::buffer(first_part), flags).has_value();
}

std::string SenderSocket::handshake_trouble() {
  if (!monitor_) return {};
  while (auto f = monitor_->failure()) last_failure_ = f;
  if (!last_failure_) return {};
  if (!tuning_.curve.on())
    return "; the receiver is in secure mode (CURVE) and this sender is not: give it the same secure_mode "
           "and the receiver's public key (" + last_failure_->reason + ")";
  if (last_failure_->auth)
    return "; the receiver refused this sender's CURVE key (IronHouse: is this sender's public_keys/client.key "
           "in the receiver's public_keys? is its address allowed?)";
  return "; the CURVE handshake failed: " + last_failure_->reason +
         " (does this sender's public_keys/server.key come from the receiver's store?)";
}

void SenderSocket::close(std::chrono::milliseconds linger) noexcept {
  if (!socket_) return;
  try {
    if (monitor_) monitor_->stop();  // before the socket it watches
    socket_.set(zmq::sockopt::linger, static_cast<int>(linger.count()));
    socket_.close();
  } catch (const zmq::error_t&) {
    socket_.close();  // closing a socket cannot fail; setting its linger could only on a closed one
  }
}

}  // namespace netgear::detail
