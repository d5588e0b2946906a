#pragma once
// PAIR and REQ/REP: every frame waits for the receiver's reply. A reply that
// does not come within request_timeout resets the socket (Lazy Pirate), so a
// late reply is never taken for the next frame's; max_retries misses in a
// row give the receiver up (PeerLostError). Multi-client REQ keeps its
// socket instead and moves on to the next receiver of its round-robin.

#include <vector>

#include "sender/channel.hpp"

namespace netgear::detail {

class LockstepChannel final : public Channel {
 public:
  LockstepChannel(ChannelSetup setup, transport::SenderTuning tuning) : Channel(std::move(setup), std::move(tuning)) {}

  SendResult transmit(Outgoing& out) override;
  bool wait_for_receivers(Clock::time_point /*deadline*/, std::size_t /*count*/) override { return true; }
  void terminate(Clock::time_point deadline, bool force) override;
  [[nodiscard]] std::optional<std::string> termination_reply() const override { return termination_ack_; }

 private:
  SendResult on_reply_timeout();
  SendResult read_reply();

  int timeouts_in_row_ = 0;
  std::vector<zmq::message_t> parts_;  // one vector for every reply
  std::optional<std::string> termination_ack_;
  std::optional<wire::VideoAnswer> answer_;  // of the reply read last
};

}  // namespace netgear::detail
