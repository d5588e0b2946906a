#include "receiver/peer_watch.hpp"

namespace netgear::detail {
namespace {

using Kind = transport::SocketMonitor::Event::Kind;

// sender_gone_timeout in effect (see Options): nullopt = never.
std::optional<std::chrono::milliseconds> sender_gone_grace(const Settings& s) {
  const Options& o = s.options;
  if (o.sender_gone_timeout) {
    if (o.sender_gone_timeout->count() > 0) return o.sender_gone_timeout;
    return std::nullopt;
  }
  // max_retries -1 on patterns 0/1 is how a receiver asks to wait forever.
  if (s.pattern != Pattern::pub_sub && o.max_retries < 0 && !o.receive_timeout) return std::nullopt;
  return std::chrono::seconds(10);
}

}  // namespace

PeerWatch::PeerWatch(zmq::context_t& ctx, zmq::socket_t& watched, const Settings& settings,
                     std::shared_ptr<spdlog::logger> log)
    : monitor_(ctx, watched, transport::SocketMonitor::Watch::connections_and_handshakes),
      log_(std::move(log)),
      grace_(sender_gone_grace(settings)),
      pair_(settings.pattern == Pattern::pair) {}

bool PeerWatch::applies(const Settings& settings) {
  // A receiver that dials has one peer, which ZeroMQ reconnects to: no
  // connections come and go for it to judge.
  return (settings.protocol == Protocol::tcp || settings.protocol == Protocol::ipc) && settings.binds(Role::receiver);
}

void PeerWatch::drain(Time now) {
  const bool gone_before = book_.all_gone_since().has_value();
  while (auto e = monitor_.next()) {
    switch (e->kind) {
      case Kind::accepted: book_.accepted(e->fd, transport::peer_address(e->fd), now); break;
      case Kind::disconnected: book_.disconnected(e->fd, now); break;
      case Kind::handshake_failed: note_refused(*e, now); break;
    }
  }
  peers = book_.connected();
  if (!gone_before && book_.all_gone_since() && grace_)
    log_->info("receiver: every sender has disconnected; the stream ends unless one is back within {} ms",
               grace_->count());
}

int PeerWatch::connection_of(const zmq::message_t& part) {
  // ZMQ_SRCFD is deprecated in libzmq's header but still set on every message
  // read from a tcp/ipc connection: the only link from a frame to its connection.
  return zmq_msg_get(part.handle(), ZMQ_SRCFD);
}

std::optional<PeerWatch::Time> PeerWatch::gone_deadline() const {
  return grace_ ? book_.gone_deadline(*grace_) : std::nullopt;
}

std::optional<PeerWatch::Time> PeerWatch::next_due() const {
  const auto gone = gone_deadline();
  const auto idle = pair_ ? book_.idle_holder_due() : std::nullopt;
  if (gone && idle) return std::min(*gone, *idle);
  return gone ? gone : idle;
}

bool PeerWatch::on_timer(Time now) {
  if (const auto gone = gone_deadline(); gone && now >= *gone) {
    log_->warn("receiver: every sender disconnected without ending the stream and none came back within "
               "{} ms (sender_gone_timeout); ending the stream",
               grace_->count());
    return true;
  }
  if (!pair_) return false;
  const auto idle = book_.idle_holder(now);
  if (!idle) return false;
  book_.warned(now);
  ++idle_peer_warnings;
  log_->warn("receiver: a peer at {} has held this PAIR socket for {} s without sending a frame ({} peer(s) "
             "connected after it); PAIR takes one peer at a time, so another sender cannot get through until it "
             "leaves (use pattern 1 or 2 for several senders)",
             idle->address, idle->held.count() / 1000, idle->later);
  return false;
}

void PeerWatch::note_refused(const transport::SocketMonitor::Event& failure, Time now) {
  ++rejected;
  std::uint64_t suppressed = 0;  // a refused client retries every 100 ms: the total is in `rejected`
  if (failure.auth || !refused_log_.allow(now, suppressed)) return;
  log_->warn("receiver: refused a client at {}: {} ({} refused so far)", failure.endpoint, failure.reason,
             rejected.load());
}

}  // namespace netgear::detail
