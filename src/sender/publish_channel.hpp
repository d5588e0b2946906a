#pragma once
// PUB/SUB over XPUB: frames are never waited for. XPUB_NODROP makes a
// receiver that lags refuse the frame (counted as dropped) instead of losing
// it silently; multi-client mode drops per lagging receiver inside ZeroMQ.
// XPUB_VERBOSER passes every (un)subscription up, which counts receivers.
// The termination is acknowledged by each netgear receiver unsubscribing:
// ZeroMQ would discard data a receiver has not read yet if the connection
// closed under it.

#include <cstdint>
#include <deque>
#include <string_view>

#include "log_limit.hpp"
#include "sender/channel.hpp"

namespace netgear::detail {

class PublishChannel final : public Channel {
 public:
  PublishChannel(ChannelSetup setup, transport::SenderTuning tuning) : Channel(std::move(setup), std::move(tuning)) {}

  SendResult transmit(Outgoing& out) override;
  bool wait_for_receivers(Clock::time_point deadline, std::size_t count) override;
  void terminate(Clock::time_point deadline, bool force) override;
  [[nodiscard]] std::uint64_t receivers() const override;

 private:
  /// Reads the (un)subscriptions waiting, so they never pile up.
  void drain_subscriptions();

  /// Video: a subscriber is capable when its codec topic comes with its ""
  /// (in either order); one still unmatched after a grace period is not.
  void on_subscription(std::string_view topic);
  void judge_unmatched(Clock::time_point now);

  std::atomic<std::int64_t> subscribers_{0};  // "" subscribe minus unsubscribe messages; read by stats()
  std::deque<Clock::time_point> unmatched_;   // video: "" subscriptions without a codec topic yet
  std::int64_t spare_topics_ = 0;             // video: codec topics without a "" yet
  LogLimiter incapable_log_{3, std::chrono::seconds(10)};  // peers subscribe at will
};

}  // namespace netgear::detail
