// The Sender: a lifecycle, an encode stage and a channel (see channel.hpp),
// put together. This file holds what they share: the I/O lock, the waker,
// and close(), the one transition that touches all three.
#include "netgear/sender.hpp"

#include <mutex>

#include "log.hpp"
#include "netgear/error.hpp"
#include "netgear/json_limits.hpp"
#include "security/secure_setup.hpp"
#include "sender/channel.hpp"
#include "sender/encode_stage.hpp"
#include "sender/header_writer.hpp"
#include "sender/lifecycle.hpp"
#include "sender/video_path.hpp"
#include "transport/context.hpp"
#include "tunnel/ssh_tunnel.hpp"

namespace netgear {

using detail::SenderState;
using transport::Clock;

namespace {

// The wall-clock stamp a header carries: when send() was called.
std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::unique_ptr<detail::VideoSignals> video_signals_for(const Settings& s) {
  if (s.options.video_codec.empty()) return nullptr;
  auto signals = std::make_unique<detail::VideoSignals>();
  signals->codec = s.options.video_codec;
  return signals;
}

Settings validated(Settings settings) {
  settings.validate(Role::sender);
  return settings;
}

// ssh_tunnel_mode: the tunnel to the receiver's address and port, as the SSH
// server resolves them (vidgear's use of pyzmq's tunnel_connection).
std::unique_ptr<tunnel::SshTunnel> open_tunnel(const Settings& s, spdlog::logger& log) {
  if (s.options.ssh_tunnel_mode.empty()) return nullptr;
  const auto address = s.effective_address(Role::sender);
  const int port = std::stoi(s.effective_ports().front());  // validated: 1-65535
  auto made = std::make_unique<tunnel::SshTunnel>(s.options, address, port);
  log.info("sender: SSH tunnel through {} (ssh pid {}) forwards {} to {}:{}", made->server(), made->pid(),
           made->endpoint(), address, port);
  return made;
}

std::vector<std::string> endpoints_of(const Settings& s, const tunnel::SshTunnel* tunnel) {
  if (tunnel) return {tunnel->endpoint()};
  std::vector<std::string> endpoints;
  const auto address = s.effective_address(Role::sender);
  for (const auto& port : s.effective_ports()) endpoints.push_back(transport::make_endpoint(s.protocol, address, port));
  return endpoints;
}

// Secure mode on a sender that binds (receiver_dials): the binder is the
// CURVE server.
std::optional<security::ServerGuard> server_guard_for(const Settings& s, const std::shared_ptr<zmq::context_t>& ctx,
                                                      const std::shared_ptr<spdlog::logger>& log) {
  if (s.options.secure_mode == SecureMode::grasslands || !s.binds(Role::sender)) return std::nullopt;
  return std::make_optional<security::ServerGuard>(s.options, ctx, log);
}

}  // namespace

struct Sender::Impl {
  const Settings settings;
  const std::shared_ptr<spdlog::logger> log = detail::make_logger(settings.logging);
  const detail::Decoding decoding = detail::decoding_for(settings.options);
  // vidgear's force close; bidirectional mode turns it on too.
  const bool force_close = settings.options.force_terminate || settings.options.bidirectional_mode;
  detail::Lifecycle lifecycle;
  transport::Waker waker;  // signalled once, by close(): every wait ends
  detail::ChannelCounters counters;

  std::mutex io;                           // one channel call at a time
  detail::HeaderWriter headers{settings};  // guarded by io
  std::unique_ptr<tunnel::SshTunnel> tunnel;  // ssh_tunnel_mode; outlives the channel that uses it
  // The context the channel's sockets and the authenticator live in, held
  // from before the guard (whose authenticator must not outlive it).
  const std::shared_ptr<zmq::context_t> ctx = transport::shared_context();
  // Secure mode with receiver_dials: this sender binds, so it is the CURVE
  // server (keys and authenticator policy); outlives the channel.
  std::optional<security::ServerGuard> guard;
  // video_codec: what the channel tells the video path; outlives both.
  std::unique_ptr<detail::VideoSignals> video_signals = video_signals_for(settings);
  std::unique_ptr<detail::Channel> channel;
  std::unique_ptr<detail::VideoPath> video;  // video_codec on; used by send() only

  std::mutex close_mutex;  // a second close() waits for the first
  std::mutex tracker_mutex;
  std::shared_ptr<transport::ReleaseTracker> tracked;  // guarded by tracker_mutex: what send() may wait on

  detail::EncodeStage stage;  // declared last: its workers stop before the rest is destroyed

  explicit Impl(Settings s)
      : settings(validated(std::move(s))),
        tunnel(open_tunnel(settings, *log)),
        guard(server_guard_for(settings, ctx, log)),
        channel(detail::make_channel({
            .settings = settings,
            .endpoints = endpoints_of(settings, tunnel.get()),
            .curve = guard                                                     ? guard->curve()
                     : settings.options.secure_mode == SecureMode::grasslands ? transport::Curve{}
                                                                               : security::client_keys(settings.options, *log),
            .decoding = decoding,
            .termination = headers.termination(),
            .waker = waker,
            .log = *log,
            .counters = counters,
            .video = video_signals.get(),
        })),
        video(video_signals ? std::make_unique<detail::VideoPath>(settings, *video_signals, *log) : nullptr),
        stage(detail::encoding_for(settings.options), settings.options.encode_threads,
              [this](detail::Encoded& e) { return deliver(e); }) {
    log->info("sender: {} over {} {} {}", to_string(settings.pattern), to_string(settings.protocol),
              settings.binds(Role::sender) ? "bound to" : "to", channel->endpoints().front());
  }

  SendResult send(const Frame& frame, const nlohmann::json& message) {
    const std::int64_t sent_ns = now_ns();
    lifecycle.check_can_send();
    if (frame.empty()) throw FrameError("netgear: cannot send an empty frame");
    if (video) return send_video(frame, message, sent_ns);
    std::shared_ptr<transport::ReleaseTracker> tracker;
    if (settings.options.track && !settings.options.copy && !stage.parallel()) tracker = watch(std::make_shared<transport::ReleaseTracker>());
    return stage.submit(frame, message, sent_ns, std::move(tracker));
  }

  // video_codec: each payload the video path makes (normally one) goes out
  // inline, and what became of it decides the next keyframe.
  SendResult send_video(const Frame& frame, const nlohmann::json& message, std::int64_t sent_ns) {
    SendResult result = detail::outcome(SendStatus::queued);  // an encoder that holds the frame back
    for (auto& piece : video->encode(frame)) {
      detail::Encoded encoded;
      encoded.payload = std::move(piece.payload);
      encoded.info = std::move(piece.info);
      encoded.message = &message;
      encoded.sent_ns = sent_ns;
      result = deliver(encoded);
      video->outcome(result.status, encoded.answer, channel->endpoints().front());
    }
    return result;
  }

  // track=true: the tracker send() may wait on, cancelled by close().
  std::shared_ptr<transport::ReleaseTracker> watch(std::shared_ptr<transport::ReleaseTracker> tracker) {
    std::lock_guard lock(tracker_mutex);
    tracked = tracker;
    if (lifecycle.state() == SenderState::closing) tracker->cancel();  // close() cancelled the one before
    return tracker;
  }

  // The encode stage hands each encoded frame here: inline from send(), or
  // from a worker in frame order.
  SendResult deliver(detail::Encoded& encoded) {
    std::lock_guard lock(io);
    const auto state = lifecycle.state();
    if (!stage.parallel()) {
      lifecycle.check_can_send();  // close() may have begun while this frame was encoded
    } else if (state != SenderState::open && state != SenderState::draining) {
      return detail::outcome(SendStatus::interrupted);  // the stream is over: a queued frame is dropped
    }
    detail::Outgoing out{headers.frame(encoded.info, *encoded.message, encoded.sent_ns), encoded.payload,
                         encoded.tracker.get()};
    try {
      auto result = channel->transmit(out);
      encoded.answer = std::move(out.answer);
      return result;
    } catch (const PeerLostError& e) {
      if (!lifecycle.advance(SenderState::open, SenderState::lost))
        lifecycle.advance(SenderState::draining, SenderState::lost);
      if (tunnel && !tunnel->alive()) throw PeerLostError(std::string(e.what()) + "; " + tunnel->failure());
      throw;
    }
  }

  bool wait_for_receiver(Milliseconds timeout, std::size_t count) {
    if (count == Sender::every_receiver) count = channel->endpoints().size();
    std::lock_guard lock(io);
    return lifecycle.state() == SenderState::open && channel->wait_for_receivers(Clock::now() + timeout, count);
  }

  // open → draining → closing → closed (or lost → closing → closed), within
  // one deadline: queued frames go out, every wait is woken, the termination
  // is sent (not to a lost receiver), the socket is closed. `at_once` (kill):
  // queued frames are dropped and the termination is only offered, as force close.
  void close(bool at_once) noexcept {
    std::lock_guard closing(close_mutex);
    const bool force = force_close || at_once;
    const auto bound = force ? Milliseconds(100) : std::min(settings.options.request_timeout, Milliseconds(1000));
    const auto deadline = Clock::now() + bound;
    bool terminate = false;
    if (lifecycle.advance(SenderState::open, SenderState::draining)) {
      if (!stage.drain(at_once ? Clock::now() : deadline)) log->warn("sender: close: frames still queued were dropped");
      terminate = lifecycle.advance(SenderState::draining, SenderState::closing);
    }
    if (!terminate && !lifecycle.advance(SenderState::lost, SenderState::closing)) return;  // closed before
    waker.signal();
    {
      std::lock_guard lock(tracker_mutex);
      if (tracked) tracked->cancel();
    }
    stage.stop();  // a worker waiting for a reply returns at the waker
    std::lock_guard lock(io);  // so does a send() waiting in the channel
    try {
      if (terminate) channel->terminate(deadline, force);
    } catch (const std::exception& e) {
      log->error("sender: close: {}", e.what());
    }
    channel->close(bound);  // ZeroMQ may go on pushing the termination out
    if (tunnel) {  // after the socket that used it: its last bytes pass, then no ssh is left behind
      tunnel->drain(std::max(deadline, Clock::now() + Milliseconds(50)));
      tunnel->stop();
    }
    lifecycle.advance(SenderState::closing, SenderState::closed);
    log->info("sender: closed after {} frames", counters.frames_sent.load());
  }
};

Sender::Sender(Settings settings) : impl_(std::make_unique<Impl>(std::move(settings))) {}
Sender::~Sender() { close(); }
Sender::Sender(Sender&&) noexcept = default;
Sender& Sender::operator=(Sender&& other) noexcept {
  if (this != &other) {
    close();
    impl_ = std::move(other.impl_);
  }
  return *this;
}

Sender::Impl& Sender::impl(const char* what) const {
  if (!impl_) throw ModeError(std::string("netgear: ") + what + " on a moved-from Sender");
  return *impl_;
}

SendResult Sender::send(const Frame& frame, const nlohmann::json& message) {
  auto& self = impl("send()");
  check_json_depth(message, "message");  // before anything recursive (encoding, a copy for the workers)
  return self.send(frame, message);
}

bool Sender::wait_for_receiver(std::chrono::milliseconds timeout, std::size_t count) {
  return impl_ && impl_->wait_for_receiver(timeout, count);
}

void Sender::close() noexcept {
  if (impl_) impl_->close(false);
}

void Sender::kill() noexcept {
  if (impl_) impl_->close(true);
}

std::optional<std::string> Sender::termination_reply() const {
  if (!impl_) return std::nullopt;
  std::lock_guard lock(impl_->io);
  return impl_->channel->termination_reply();
}

std::vector<std::string> Sender::endpoints() const {
  return impl_ ? impl_->channel->endpoints() : std::vector<std::string>{};
}

SenderStats Sender::stats() const {
  if (!impl_) return {};
  const auto& c = impl_->counters;
  return {
      .frames_sent = c.frames_sent,
      .bytes_sent = c.bytes_sent,
      .replies = c.replies,
      .dropped = c.dropped,
      .timeouts = c.timeouts,
      .receivers = impl_->channel->receivers(),
      .video_encoder = impl_->video ? impl_->video->encoder_name() : std::string(),
      .keyframes = impl_->video ? impl_->video->keyframes() : 0,
      .incapable_receivers = impl_->video_signals ? impl_->video_signals->incapable.load() : 0,
  };
}

const Settings& Sender::settings() const { return impl("settings()").settings; }

}  // namespace netgear
