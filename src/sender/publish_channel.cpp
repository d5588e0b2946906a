#include "sender/publish_channel.hpp"

#include <algorithm>

namespace netgear::detail {

using transport::WaitResult;

void PublishChannel::drain_subscriptions() {
  zmq::message_t msg;
  while (socket_.get().recv(msg, zmq::recv_flags::dontwait)) {
    if (msg.size() == 0) continue;
    // First byte 1: a subscription; 0: an unsubscription (also when a receiver disconnects).
    subscribers_ += *static_cast<const unsigned char*>(msg.data()) == 1 ? 1 : -1;
  }
}

std::uint64_t PublishChannel::receivers() const {
  return static_cast<std::uint64_t>(std::max<std::int64_t>(0, subscribers_.load()));
}

SendResult PublishChannel::transmit(Outgoing& out) {
  drain_subscriptions();
  if (!hand_over(out)) {
    ++setup_.counters.dropped;
    return outcome(SendStatus::dropped);
  }
  if (!await_release(out, Clock::now() + options_.request_timeout)) return outcome(SendStatus::interrupted);
  return outcome(SendStatus::queued);
}

bool PublishChannel::wait_for_receivers(Clock::time_point deadline, std::size_t count) {
  for (;;) {
    drain_subscriptions();
    if (subscribers_ >= static_cast<std::int64_t>(count)) return true;
    if (wait(ZMQ_POLLIN, deadline) != WaitResult::ready) return false;
  }
}

void PublishChannel::terminate(Clock::time_point deadline, bool force) {
  drain_subscriptions();
  if (force) {
    if (!offer_termination()) setup_.log.warn("sender: force_terminate: the termination message could not be queued");
    return;
  }
  if (subscribers_ <= 0) return;  // nobody to tell
  // XPUB_NODROP says EAGAIN while a receiver's pipe is full: retry until it
  // fits. Multi-client (lossy) PUB/SUB may drop it for a lagging receiver:
  // offer it again every 20 ms to those that have not acknowledged yet. A
  // vidgear receiver never unsubscribes: then this lasts until the deadline.
  const bool lossy = options_.multiclient_mode;
  bool sent = false;
  while (subscribers_ > 0 && Clock::now() < deadline) {
    if (!sent || lossy) sent = offer_termination() || sent;
    const auto pause = sent ? std::chrono::milliseconds(20) : std::chrono::milliseconds(1);
    if (transport::wait_for(socket_.get(), ZMQ_POLLIN, nullptr, std::min(deadline, Clock::now() + pause)) ==
        WaitResult::ready)
      drain_subscriptions();
  }
  if (!sent) setup_.log.warn("sender: the receiver did not take the termination message");
}

}  // namespace netgear::detail
