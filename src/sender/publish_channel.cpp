#include "sender/publish_channel.hpp"

#include <algorithm>

#include "wire/video_topic.hpp"

namespace netgear::detail {

using transport::WaitResult;

namespace {

// How long a "" subscription may wait for its codec topic: both come in one
// burst from the same connection, "" first when it reconnects.
constexpr auto kTopicGrace = std::chrono::milliseconds(500);
// "" subscriptions waiting for their codec topic at most; more are judged at once.
constexpr std::size_t kMaxUnmatched = 1024;

}  // namespace

void PublishChannel::drain_subscriptions() {
  zmq::message_t msg;
  while (socket_.get().recv(msg, zmq::recv_flags::dontwait)) {
    if (msg.size() == 0) continue;
    // First byte 1: a subscription; 0: an unsubscription (also when a receiver disconnects).
    const bool subscribe = *static_cast<const unsigned char*>(msg.data()) == 1;
    const std::string_view topic(static_cast<const char*>(msg.data()) + 1, msg.size() - 1);
    if (topic.empty()) subscribers_ += subscribe ? 1 : -1;
    if (subscribe && setup_.video) on_subscription(topic);
  }
  if (setup_.video) judge_unmatched(Clock::now());
}

void PublishChannel::on_subscription(std::string_view topic) {
  auto& video = *setup_.video;
  if (topic.empty()) {
    video.keyframe_wanted = true;  // a new receiver starts at a keyframe
    if (spare_topics_ > 0) {
      --spare_topics_;
    } else {
      // A peer can subscribe at will: past kMaxUnmatched waiting, judge the oldest now.
      if (unmatched_.size() >= kMaxUnmatched) judge_unmatched(Clock::time_point::max());
      unmatched_.push_back(Clock::now());
    }
  } else if (topic == wire::video_topic(video.codec)) {
    if (!unmatched_.empty()) {
      unmatched_.pop_front();
    } else if (spare_topics_ < static_cast<std::int64_t>(kMaxUnmatched)) {
      ++spare_topics_;  // bounded: flooding codec topics buys a peer nothing
    }
  }
}

void PublishChannel::judge_unmatched(Clock::time_point now) {
  const bool make_room = now == Clock::time_point::max();
  while (!unmatched_.empty() && (make_room || now - unmatched_.front() >= kTopicGrace)) {
    unmatched_.pop_front();
    ++setup_.video->incapable;
    std::uint64_t suppressed = 0;
    if (incapable_log_.allow(Clock::now(), suppressed))
      setup_.log.error(
          "sender: a receiver subscribed that cannot decode {} video (a vidgear receiver, or a netgear built without "
          "libavcodec): it gets frames it cannot show; turn video_codec off to serve it ({} such receivers so far, "
          "{} not logged)",
          setup_.video->codec, setup_.video->incapable.load(), suppressed);
    if (make_room) return;  // one, to make room
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
