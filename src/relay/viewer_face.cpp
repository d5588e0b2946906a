#include "relay/viewer_face.hpp"

#include <algorithm>

#include "netgear/error.hpp"

namespace netgear::relay {
namespace {

// The longest message a viewer may send: room for a viewer topic, and for
// the CURVE handshake's commands (ZMQ_MAXMSGSIZE limits those too: INITIATE
// is over 256 bytes). A longer one drops the connection unread.
constexpr std::int64_t kMaxSubscription = 4096;

std::chrono::duration<double> since(Clock::time_point then, Clock::time_point now) { return now - then; }

bool decodes(const wire::ViewerTopic& viewer, const std::string& codec) {
  return std::find(viewer.codecs.begin(), viewer.codecs.end(), codec) != viewer.codecs.end();
}

}  // namespace

ViewerFace::ViewerFace(zmq::context_t& ctx, const std::string& endpoint, const RelayConfig& config,
                       const transport::Curve& curve, spdlog::logger& log)
    : config_(config),
      log_(log),
      socket_(transport::open_viewer_socket(ctx, config.viewer_backlog, kMaxSubscription, curve)) {
  try {
    endpoint_ = transport::bind_all(socket_, {endpoint}).front();
  } catch (const SetupError& e) {
    throw SetupError(std::string("netgear relay: the viewer face: ") + e.what());
  }
}

void ViewerFace::read_subscriptions(FrameCache& cache, Clock::time_point now, const KeyframeWanted& keyframe_wanted) {
  for (;;) {
    zmq::message_t msg;
    if (!socket_.recv(msg, zmq::recv_flags::dontwait)) break;
    if (msg.size() == 0) continue;
    // First byte 1: a subscription; 0: an unsubscription (also when a viewer disconnects).
    const bool subscribe = *static_cast<const unsigned char*>(msg.data()) == 1;
    const std::string topic(static_cast<const char*>(msg.data()) + 1, msg.size() - 1);
    auto info = wire::decode_viewer_topic(topic);
    if (!info) continue;  // "", the video topics, anything else: manual mode applies none of them
    if (subscribe)
      join(topic, std::move(*info), cache, now, keyframe_wanted);
    else
      leave(topic);
  }
}

void ViewerFace::join(const std::string& topic, wire::ViewerTopic info, FrameCache& cache, Clock::time_point now,
                      const KeyframeWanted& keyframe_wanted) {
  std::unique_lock lock(mutex_);
  auto it = viewers_.find(topic);
  if (it != viewers_.end()) {
    ++it->second.pipes;  // it reconnected before its old connection was noticed gone
  } else if (viewers_.size() >= config_.max_viewers) {
    ++refused_;
    std::uint64_t suppressed = 0;
    if (refused_log_.allow(now, suppressed))
      log_.warn("relay: refused a viewer: {} viewers are served already (max_viewers){}", viewers_.size(),
                suppressed ? " (" + std::to_string(suppressed) + " more not logged)" : std::string());
    return;  // never subscribed: its connection gets nothing
  } else {
    Viewer fresh;
    fresh.info = std::move(info);
    fresh.joined = fresh.last_sent = now;
    it = viewers_.emplace(topic, std::move(fresh)).first;
    log_.info("relay: viewer {} joined ({} now)", it->second.info.id, viewers_.size());
  }
  ++joined_;
  socket_.set(zmq::sockopt::subscribe, topic);  // manual mode: this connection, this topic
  Viewer& viewer = it->second;
  cache.each([&](const std::string& label, std::vector<Packet>& packets, bool video) {
    if (!viewer.info.port.empty() && label != viewer.info.port) return;
    if (video && packets.empty()) {
      viewer.waiting.insert(label);
      keyframe_wanted(label);
      return;
    }
    for (auto& packet : packets)
      if (deliver(topic, viewer, packet, now)) keyframe_wanted(label);
  });
}

void ViewerFace::leave(const std::string& topic) {
  std::unique_lock lock(mutex_);
  const auto it = viewers_.find(topic);
  if (it == viewers_.end()) return;  // one that was refused
  socket_.set(zmq::sockopt::unsubscribe, topic);  // a live connection that unsubscribed; else a no-op
  if (--it->second.pipes > 0) return;
  log_.info("relay: viewer {} left after {} frames ({} missed)", it->second.info.id, it->second.frames,
            it->second.dropped);
  viewers_.erase(it);
}

bool ViewerFace::offer(const std::string& topic, Packet& packet) {
  zmq::message_t envelope(topic.data(), topic.size());
  const bool last = !packet.payload;
  if (!socket_.send(envelope, zmq::send_flags::sndmore | zmq::send_flags::dontwait)) return false;  // its pipe is full
  // The rest of a message the socket took is never refused.
  zmq::message_t head;
  head.copy(packet.head);
  socket_.send(head, last ? zmq::send_flags::none : zmq::send_flags::sndmore);
  if (!last) {
    zmq::message_t payload;
    payload.copy(*packet.payload);
    socket_.send(payload, zmq::send_flags::none);
  }
  return true;
}

bool ViewerFace::deliver(const std::string& topic, Viewer& viewer, Packet& packet, Clock::time_point now) {
  auto missed = [&] {
    ++viewer.dropped;
    viewer.behind = true;
  };
  if (packet.video()) {
    if (!decodes(viewer.info, packet.codec)) {
      missed();
      std::uint64_t suppressed = 0;
      if (incapable_log_.allow(now, suppressed))
        log_.error("relay: viewer {} does not decode {} video; it gets none of stream '{}'{}", viewer.info.id,
                   packet.codec, packet.label,
                   suppressed ? " (" + std::to_string(suppressed) + " more not logged)" : std::string());
      return false;
    }
    if (packet.keyframe) viewer.waiting.erase(packet.label);
    if (viewer.waiting.count(packet.label)) {
      missed();
      return false;  // its keyframe was asked for when it began to wait
    }
  }
  if (!offer(topic, packet)) {
    missed();
    if (!packet.video()) return false;
    viewer.waiting.insert(packet.label);
    return true;
  }
  ++viewer.frames;
  viewer.bytes += packet.payload->size();
  viewer.last_sent = now;
  viewer.behind = false;
  return false;
}

bool ViewerFace::send_frame(Packet& packet, Clock::time_point now) {
  std::unique_lock lock(mutex_);
  bool wants_keyframe = false;
  for (auto& [topic, viewer] : viewers_) {
    if (!viewer.info.port.empty() && packet.label != viewer.info.port) continue;
    if (deliver(topic, viewer, packet, now)) wants_keyframe = true;
  }
  return wants_keyframe;
}

void ViewerFace::send_end(Packet& packet, Clock::time_point give_up) {
  std::unique_lock lock(mutex_);
  for (auto& [topic, viewer] : viewers_) {
    if (!viewer.info.port.empty() && packet.label != viewer.info.port) continue;
    viewer.waiting.erase(packet.label);
    if (!offer(topic, packet)) pending_ends_.push_back({.topic = topic, .packet = packet.share(), .give_up = give_up});
  }
}

void ViewerFace::retry_ends(Clock::time_point now) {
  std::unique_lock lock(mutex_);
  std::erase_if(pending_ends_, [&](PendingEnd& end) {
    if (!viewers_.count(end.topic)) return true;  // it left
    if (offer(end.topic, end.packet)) return true;
    if (now < end.give_up) return false;
    log_.warn("relay: viewer {} did not take the end of stream '{}' in time",
              viewers_.at(end.topic).info.id, end.packet.label);
    return true;
  });
}

std::vector<RelayViewerStats> ViewerFace::stats(Clock::time_point now) const {
  std::unique_lock lock(mutex_);
  std::vector<RelayViewerStats> out;
  out.reserve(viewers_.size());
  for (const auto& [topic, v] : viewers_)
    out.push_back({.id = v.info.id,
                   .frames = v.frames,
                   .bytes = v.bytes,
                   .dropped = v.dropped,
                   .lag_ms = v.behind ? since(v.last_sent, now).count() * 1000.0 : 0.0,
                   .connected_s = since(v.joined, now).count()});
  return out;
}

std::uint64_t ViewerFace::joined() const {
  std::unique_lock lock(mutex_);
  return joined_;
}

std::uint64_t ViewerFace::refused() const {
  std::unique_lock lock(mutex_);
  return refused_;
}

}  // namespace netgear::relay
