#include "netgear/sender.hpp"

#include <atomic>
#include <mutex>

#include "log.hpp"
#include "netgear/error.hpp"
#include "transport/context.hpp"
#include "transport/frame_message.hpp"
#include "transport/sockets.hpp"
#include "wire/header.hpp"
#include "wire/payload.hpp"
#include "wire/reply.hpp"

namespace netgear {

using transport::Clock;
using transport::WaitResult;

struct Sender::Impl {
  Settings settings;
  std::shared_ptr<spdlog::logger> log;
  std::shared_ptr<zmq::context_t> ctx = transport::shared_context();
  std::vector<std::string> endpoints;
  zmq::socket_t socket;
  transport::Waker waker;

  std::mutex io;                   // one send() or close() at a time on the socket
  std::atomic<bool> closing{false};
  bool closed = false;             // guarded by io
  bool peer_lost = false;          // guarded by io: retries exhausted
  int timeouts_in_row = 0;         // guarded by io
  std::uint64_t next_seq = 0;      // guarded by io
  std::optional<std::string> termination_ack;  // guarded by io

  std::atomic<std::uint64_t> frames_sent{0}, bytes_sent{0}, replies{0}, dropped{0}, timeouts{0};
  std::atomic<std::int64_t> subscribers{0};  // PUB/SUB: subscribe minus unsubscribe messages

  explicit Impl(Settings s) : settings(std::move(s)), log(detail::make_logger(settings.logging)) {
    settings.validate(Role::sender);
    const auto address = settings.effective_address(Role::sender);
    for (const auto& port : settings.effective_ports())
      endpoints.push_back(transport::make_endpoint(settings.protocol, address, port));
    socket = transport::open_sender_socket(*ctx, settings.pattern, endpoints);
    log->info("sender: {} over {} to {}", to_string(settings.pattern), to_string(settings.protocol), endpoints.front());
  }

  [[nodiscard]] bool expects_reply() const { return settings.pattern != Pattern::pub_sub; }

  // Lazy Pirate: a REQ or PAIR socket that missed a reply is replaced, so a
  // late reply can never be taken for the next frame's.
  void reset_socket() {
    socket.close();
    socket = transport::open_sender_socket(*ctx, settings.pattern, endpoints);
  }

  // XPUB (verboser) passes up every subscription (first byte 1) and
  // unsubscription (0, also when a receiver disconnects); drain them so they
  // never pile up, keeping the count of receivers.
  void drain_subscriptions() {
    zmq::message_t msg;
    while (socket.recv(msg, zmq::recv_flags::dontwait)) {
      if (msg.size() == 0) continue;
      subscribers += *static_cast<const unsigned char*>(msg.data()) == 1 ? 1 : -1;
    }
  }

  bool wait_for_receiver(Milliseconds timeout) {
    std::lock_guard lock(io);
    if (settings.pattern != Pattern::pub_sub) return !closed;
    const auto deadline = Clock::now() + timeout;
    for (;;) {
      if (closed || closing) return false;
      drain_subscriptions();
      if (subscribers > 0) return true;
      if (transport::wait_for(socket, ZMQ_POLLIN, &waker, deadline) != WaitResult::ready) return false;
    }
  }

  std::string frame_header(const Frame& frame, const nlohmann::json& message) {
    wire::FrameHeader h;
    h.message = message;
    h.pattern = std::to_string(static_cast<int>(settings.pattern));
    wire::describe_raw(frame, h);
    h.seq = next_seq++;
    h.sent_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
    return wire::encode_header(h);
  }

  SendResult on_reply_timeout() {
    ++timeouts;
    ++timeouts_in_row;
    const int budget = settings.options.max_retries;
    if (budget >= 0 && timeouts_in_row >= std::max(1, budget)) {  // vidgear: the n-th miss raises
      peer_lost = true;
      throw PeerLostError("netgear: no reply from the receiver at " + endpoints.front() + " within " +
                          std::to_string(settings.options.request_timeout.count()) + " ms, " +
                          std::to_string(timeouts_in_row) + " times in a row; giving up (max_retries=" +
                          std::to_string(budget) + ")");
    }
    log->warn("sender: no reply within {} ms; resetting the socket ({} timeouts in a row)",
              settings.options.request_timeout.count(), timeouts_in_row);
    reset_socket();
    return {SendStatus::timed_out, nullptr};
  }

  SendResult send(const Frame& input, const nlohmann::json& message) {
    std::unique_lock lock(io);
    if (closed || closing) throw ModeError("netgear: send() called after close()");
    if (peer_lost) throw PeerLostError("netgear: send() after the receiver was given up as lost");
    if (input.empty()) throw FrameError("netgear: cannot send an empty frame");

    const Frame frame = input.contiguous();
    const Options& o = settings.options;
    const auto deadline = Clock::now() + o.request_timeout;
    const bool dontwait = (o.flag & ZMQ_DONTWAIT) != 0;
    if (settings.pattern == Pattern::pub_sub) drain_subscriptions();

    std::string header = frame_header(frame, message);
    auto tracker = (o.track && !o.copy) ? std::make_shared<transport::ReleaseTracker>() : nullptr;
    zmq::message_t payload = transport::frame_message(frame, o.copy, tracker);

    if (!dontwait && expects_reply()) {
      switch (transport::wait_for(socket, ZMQ_POLLOUT, &waker, deadline)) {
        case WaitResult::woken: return {SendStatus::interrupted, nullptr};
        case WaitResult::timed_out: return on_reply_timeout();
        case WaitResult::ready: break;
      }
    }
    // Pattern 2 and flag=1 never wait: XPUB_NODROP/DONTWAIT report a full pipe as EAGAIN.
    if (!socket.send(zmq::buffer(header), zmq::send_flags::sndmore | zmq::send_flags::dontwait)) {
      if (settings.pattern == Pattern::pub_sub) {
        ++dropped;
        return {SendStatus::dropped, nullptr};
      }
      return {SendStatus::would_block, nullptr};
    }
    const auto size = payload.size();
    (void)socket.send(payload, zmq::send_flags::dontwait);  // later parts of a message always go through
    ++frames_sent;
    bytes_sent += size;

    if (tracker && !tracker->wait_until(deadline))
      log->warn("sender: ZeroMQ still holds the frame buffer after request_timeout (track=true)");
    if (!expects_reply()) return {SendStatus::queued, nullptr};

    switch (transport::wait_for(socket, ZMQ_POLLIN, &waker, deadline)) {
      case WaitResult::woken: return {SendStatus::interrupted, nullptr};
      case WaitResult::timed_out: return on_reply_timeout();
      case WaitResult::ready: break;
    }
    std::vector<zmq::message_t> parts;
    transport::recv_all(socket, parts);
    ++replies;
    timeouts_in_row = 0;
    SendResult result{SendStatus::delivered, nullptr};
    if (!parts.empty()) result.reply = wire::decode_reply(parts.front().to_string_view());
    log->debug("sender: reply {}", result.reply.dump());
    return result;
  }

  // PUB/SUB: ZeroMQ discards data a receiver has not read yet when the
  // connection closes under it, so after the termination the sender waits for
  // each netgear receiver to acknowledge it by unsubscribing (a vidgear
  // receiver never does: then the wait lasts until the deadline).
  void terminate_pubsub(Clock::time_point deadline) {
    const std::string term = wire::encode_termination({});
    drain_subscriptions();
    if (subscribers <= 0) return;  // nobody to tell
    // XPUB_NODROP says EAGAIN while a receiver's pipe is full: retry until it fits.
    while (!socket.send(zmq::buffer(term), zmq::send_flags::dontwait)) {
      if (Clock::now() >= deadline) {
        log->warn("sender: the receiver did not take the termination message");
        return;
      }
      transport::wait_for(socket, ZMQ_POLLIN, nullptr, std::min(deadline, Clock::now() + Milliseconds(1)));
      drain_subscriptions();
    }
    while (subscribers > 0 && transport::wait_for(socket, ZMQ_POLLIN, nullptr, deadline) == WaitResult::ready)
      drain_subscriptions();
  }

  // PAIR, REQ/REP: one termination message; pattern 1 also reads its acknowledgement.
  void terminate_lockstep(Clock::time_point deadline) {
    const std::string term = wire::encode_termination({});
    if (transport::wait_for(socket, ZMQ_POLLOUT, nullptr, deadline) != WaitResult::ready ||
        !socket.send(zmq::buffer(term), zmq::send_flags::dontwait)) {
      log->warn("sender: could not send the termination message");
      return;
    }
    if (settings.pattern == Pattern::req_rep) {
      // vidgear reads the receiver's acknowledgement for request_timeout / 5.
      auto ack_deadline = std::min(deadline, Clock::now() + settings.options.request_timeout / 5);
      if (transport::wait_for(socket, ZMQ_POLLIN, nullptr, ack_deadline) == WaitResult::ready) {
        std::vector<zmq::message_t> parts;
        if (transport::recv_all(socket, parts)) termination_ack = parts.front().to_string();
      }
    }
  }

  // Sends the termination message; bounded by `bound` in every case.
  void terminate(Milliseconds bound) {
    // ZeroMQ may go on pushing the message out for `bound` after close().
    socket.set(zmq::sockopt::linger, static_cast<int>(bound.count()));
    const auto deadline = Clock::now() + bound;
    if (settings.pattern == Pattern::pub_sub)
      terminate_pubsub(deadline);
    else
      terminate_lockstep(deadline);
  }

  void close() noexcept {
    closing = true;
    waker.signal();
    std::lock_guard lock(io);
    if (closed) return;
    closed = true;
    try {
      if (!peer_lost) terminate(std::min(settings.options.request_timeout, Milliseconds(1000)));
      socket.close();
    } catch (const std::exception& e) {
      log->error("sender: close: {}", e.what());
    }
    log->info("sender: closed after {} frames", frames_sent.load());
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

SendResult Sender::send(const Frame& frame, const nlohmann::json& message) {
  if (!impl_) throw ModeError("netgear: send() on a moved-from Sender");
  return impl_->send(frame, message);
}

bool Sender::wait_for_receiver(std::chrono::milliseconds timeout) {
  return impl_ && impl_->wait_for_receiver(timeout);
}

void Sender::close() noexcept {
  if (impl_) impl_->close();
}

std::optional<std::string> Sender::termination_reply() const {
  if (!impl_) return std::nullopt;
  std::lock_guard lock(impl_->io);
  return impl_->termination_ack;
}

std::vector<std::string> Sender::endpoints() const { return impl_ ? impl_->endpoints : std::vector<std::string>{}; }

SenderStats Sender::stats() const {
  if (!impl_) return {};
  SenderStats stats{impl_->frames_sent, impl_->bytes_sent, impl_->replies, impl_->dropped, impl_->timeouts, 0};
  stats.receivers = static_cast<std::uint64_t>(std::max<std::int64_t>(0, impl_->subscribers));
  return stats;
}

const Settings& Sender::settings() const noexcept { return impl_->settings; }

}  // namespace netgear
