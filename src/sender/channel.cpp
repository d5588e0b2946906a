#include "sender/channel.hpp"

#include "sender/lockstep_channel.hpp"
#include "sender/publish_channel.hpp"
#include "transport/context.hpp"

namespace netgear::detail {
namespace {

transport::SenderTuning tuning_for(const Options& o, const transport::Curve& curve) {
  return {
      // Multi-client: frames go only to receivers that are connected (a gone
      // one is skipped, a late one joins), and on PUB/SUB a lagging receiver
      // loses its own frames instead of holding back the others.
      .immediate = o.multiclient_mode,
      .bind = o.receiver_dials,
      .nodrop = !o.multiclient_mode,
      .curve = curve,
      // Replies are small unless they may carry a returned frame.
      .max_reply_size = o.bidirectional_mode ? o.max_message_size : transport::max_plain_reply_size,
  };
}

}  // namespace

Channel::Channel(ChannelSetup setup, transport::SenderTuning tuning)
    : setup_(std::move(setup)),
      options_(setup_.settings.options),
      ctx_(transport::shared_context()),
      socket_(*ctx_, setup_.settings.pattern, setup_.endpoints, std::move(tuning)) {}

bool Channel::hand_over(Outgoing& out) {
  if (!socket_.offer(out.header)) return false;
  const auto size = out.payload.size();
  (void)socket_.get().send(out.payload, zmq::send_flags::dontwait);  // a message's later parts always go through
  ++setup_.counters.frames_sent;
  setup_.counters.bytes_sent += size;
  return true;
}

bool Channel::await_release(const Outgoing& out, Clock::time_point deadline) {
  if (!out.tracker) return true;
  switch (out.tracker->wait_until(deadline)) {
    case transport::ReleaseTracker::Wait::released: return true;
    case transport::ReleaseTracker::Wait::cancelled: return false;
    case transport::ReleaseTracker::Wait::timed_out: break;
  }
  setup_.log.warn("sender: ZeroMQ still holds the frame buffer after request_timeout (track=true)");
  return true;
}

bool Channel::offer_termination() {
  return socket_.get().send(zmq::buffer(setup_.termination), zmq::send_flags::dontwait).has_value();
}

transport::WaitResult Channel::wait(short events, Clock::time_point deadline) {
  return transport::wait_for(socket_.get(), events, &setup_.waker, deadline);
}

std::unique_ptr<Channel> make_channel(ChannelSetup setup) {
  auto tuning = tuning_for(setup.settings.options, setup.curve);
  if (setup.settings.pattern == Pattern::pub_sub)
    return std::make_unique<PublishChannel>(std::move(setup), std::move(tuning));
  return std::make_unique<LockstepChannel>(std::move(setup), std::move(tuning));
}

}  // namespace netgear::detail
