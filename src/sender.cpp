#include "netgear/sender.hpp"

#include <atomic>
#include <exception>
#include <mutex>

#include "frame_codec.hpp"
#include "log.hpp"
#include "netgear/error.hpp"
#include "netgear/json_limits.hpp"
#include "pipeline/ordered_workers.hpp"
#include "security/secure_setup.hpp"
#include "transport/context.hpp"
#include "transport/monitor.hpp"
#include "transport/sockets.hpp"
#include "wire/header.hpp"
#include "wire/peer_text.hpp"
#include "wire/reply.hpp"

namespace netgear {

using transport::Clock;
using transport::WaitResult;

namespace {

SendResult outcome(SendStatus status) {
  SendResult result;
  result.status = status;
  return result;
}

// The wall-clock stamp a header carries: when send() was called.
std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// encode_threads > 1: a frame on its way through the encode workers.
struct EncodeJob {
  Frame frame;
  nlohmann::json message;
  std::int64_t sent_ns = 0;
  std::uint64_t number = 0;  // its place among this sender's send() calls, for error messages
};

struct Encoded {
  zmq::message_t payload;
  detail::PayloadInfo info;
  nlohmann::json message;
  std::int64_t sent_ns = 0;
  std::exception_ptr error;  // the encode failed
};

}  // namespace

struct Sender::Impl {
  Settings settings;
  std::shared_ptr<spdlog::logger> log;
  detail::Encoding encoding;
  detail::Decoding decoding;
  std::shared_ptr<zmq::context_t> ctx = transport::shared_context();
  std::vector<std::string> endpoints;
  transport::Curve curve;  // secure mode: this sender's CURVE client keys
  zmq::socket_t socket;
  std::optional<transport::SocketMonitor> monitor;  // secure mode: why replies do not come
  transport::Waker waker;

  std::mutex io;                   // one send() or close() at a time on the socket
  std::atomic<bool> closing{false};
  bool closed = false;             // guarded by io
  std::atomic<bool> peer_lost{false};  // retries exhausted (written under io)
  int timeouts_in_row = 0;         // guarded by io
  std::optional<transport::SocketMonitor::Failure> last_handshake_failure;  // guarded by io
  std::uint64_t next_seq = 0;      // guarded by io
  std::optional<std::string> termination_ack;  // guarded by io
  std::vector<zmq::message_t> reply_parts;     // guarded by io: one vector for every reply
  // encode_threads > 1: a worker's failure, for the next send() to throw.
  // Not under io, so send() never waits for a worker's reply to check it.
  std::mutex deferred;
  std::exception_ptr deferred_error;  // guarded by deferred
  std::atomic<std::uint64_t> submitted{0};  // send() calls that queued a frame

  void defer(std::exception_ptr error) {
    std::lock_guard lock(deferred);
    if (!deferred_error) deferred_error = std::move(error);
  }

  using EncodeWorkers = pipeline::OrderedWorkers<EncodeJob, Encoded>;
  std::unique_ptr<EncodeWorkers> encoders;  // encode_threads > 1

  std::atomic<std::uint64_t> frames_sent{0}, bytes_sent{0}, replies{0}, dropped{0}, timeouts{0};
  std::atomic<std::int64_t> subscribers{0};  // PUB/SUB: subscribe minus unsubscribe messages

  explicit Impl(Settings s) : settings(std::move(s)), log(detail::make_logger(settings.logging)) {
    settings.validate(Role::sender);
    encoding = detail::encoding_for(settings.options);
    decoding = detail::decoding_for(settings.options);
    const auto address = settings.effective_address(Role::sender);
    for (const auto& port : settings.effective_ports())
      endpoints.push_back(transport::make_endpoint(settings.protocol, address, port));
    if (settings.options.secure_mode != SecureMode::grasslands) curve = security::client_keys(settings.options, *log);
    socket = open_socket();
    const auto threads = static_cast<std::size_t>(settings.options.encode_threads);
    // A backlog of one frame keeps every worker busy; more would only add latency.
    if (threads > 1)
      encoders = std::make_unique<EncodeWorkers>(
          threads, 1, [this](EncodeJob&& job) { return encode(std::move(job)); },
          [this](Encoded&& done) { transmit_encoded(std::move(done)); });
    log->info("sender: {} over {} to {}", to_string(settings.pattern), to_string(settings.protocol), endpoints.front());
  }

  [[nodiscard]] bool expects_reply() const { return settings.pattern != Pattern::pub_sub; }

  // Lazy Pirate: a REQ or PAIR socket that missed a reply is replaced, so a
  // late reply can never be taken for the next frame's.
  void reset_socket() {
    if (monitor) monitor->stop();  // before the socket it watches
    socket.close();
    socket = open_socket();
  }

  zmq::socket_t open_socket() {
    transport::SenderTuning tuning;
    // Multi-client: frames go only to receivers that are connected (a gone one
    // is skipped, a late one joins), and on PUB/SUB a lagging receiver loses
    // its own frames instead of holding back the others.
    tuning.immediate = settings.options.multiclient_mode;
    tuning.nodrop = !settings.options.multiclient_mode;
    tuning.curve = curve;
    // Replies are small unless they may carry a returned frame.
    tuning.max_reply_size =
        settings.options.bidirectional_mode ? settings.options.max_message_size : transport::max_plain_reply_size;
    auto opened = transport::open_sender_socket(*ctx, settings.pattern, endpoints, tuning);
    if (curve.on()) monitor.emplace(*ctx, opened);
    return opened;
  }

  // Secure mode: what the handshake monitor saw, as advice for a timeout.
  // The last failure is kept until a reply comes: the socket reset after a
  // timeout may not have failed its own handshake yet when the next one ends.
  std::string handshake_trouble() {
    if (!monitor) return {};
    auto& last = last_handshake_failure;
    while (auto f = monitor->failure()) last = f;
    if (!last) return {};
    if (last->auth)
      return "; the receiver refused this sender's CURVE key (IronHouse: is this sender's public_keys/client.key "
             "in the receiver's public_keys? is its address allowed?)";
    return "; the CURVE handshake failed: " + last->reason +
           " (does this sender's public_keys/server.key come from the receiver's store?)";
  }

  // vidgear's force close: bidirectional mode turns it on too.
  [[nodiscard]] bool force_close() const {
    return settings.options.force_terminate || settings.options.bidirectional_mode;
  }

  // XPUB (verboser) passes up every subscription (first byte 1) and
  // unsubscription (0, also when a receiver disconnects); drain them so they
  // never pile up, keeping the count of receivers.
  void drain_subscriptions() {
    if (settings.pattern != Pattern::pub_sub) return;
    zmq::message_t msg;
    while (socket.recv(msg, zmq::recv_flags::dontwait)) {
      if (msg.size() == 0) continue;
      subscribers += *static_cast<const unsigned char*>(msg.data()) == 1 ? 1 : -1;
    }
  }

  bool wait_for_receiver(Milliseconds timeout, std::size_t count) {
    std::lock_guard lock(io);
    if (settings.pattern != Pattern::pub_sub) return !closed;
    const auto deadline = Clock::now() + timeout;
    for (;;) {
      if (closed || closing) return false;
      drain_subscriptions();
      if (subscribers >= static_cast<std::int64_t>(count)) return true;
      if (transport::wait_for(socket, ZMQ_POLLIN, &waker, deadline) != WaitResult::ready) return false;
    }
  }

  std::string header_text;  // guarded by io: frame_header()'s buffer, reused
  // The sender's port label, stamped into every message in multi-server mode.
  const nlohmann::json port_label =
      settings.options.multiserver_mode ? nlohmann::json(settings.effective_ports().front()) : nlohmann::json();

  // The frame's header, written into header_text: no allocation per frame
  // once the buffer has grown (wire::encode_header).
  const std::string& frame_header(const detail::PayloadInfo& info, const nlohmann::json& message,
                                  std::int64_t sent_ns) {
    const char pattern = static_cast<char>('0' + static_cast<int>(settings.pattern));
    wire::encode_header(header_text, {info.compression, message, std::string_view(&pattern, 1), info.dtype,
                                      info.shape ? &*info.shape : nullptr, port_label, next_seq++, sent_ns});
    return header_text;
  }

  // A reply: text, JSON data (bidirectional, multi-client) or an array in a
  // second part (vidgear >= 0.3 bidirectional).
  // Offers the header without waiting. A full pipe's "writable again" is a
  // pending command that a non-blocking send processes at most about once a
  // millisecond; reading ZMQ_EVENTS processes it now, so a pipe the
  // receiver has drained is seen as such before the frame is called dropped.
  bool send_header(const std::string& header) {
    const auto flags = zmq::send_flags::sndmore | zmq::send_flags::dontwait;
    if (socket.send(zmq::buffer(header), flags)) return true;
    (void)socket.get(zmq::sockopt::events);
    return socket.send(zmq::buffer(header), flags).has_value();
  }

  void read_reply(std::vector<zmq::message_t>& parts, SendResult& result) {
    if (parts.empty()) return;
    auto reply = wire::decode_reply(parts.front().to_string_view());
    result.reply = std::move(reply.data);
    result.reply_port = std::move(reply.port);
    if (reply.array && parts.size() == 2) {
      detail::PayloadInfo info{reply.array->compression, reply.array->dtype, reply.array->shape};
      try {
        result.reply_frame = detail::decode_payload(info, std::move(parts[1]), decoding);
      } catch (const std::exception& e) {
        log->warn("sender: the returned frame is unreadable: {}", e.what());
      }
    }
  }

  SendResult on_reply_timeout() {
    ++timeouts;
    ++timeouts_in_row;
    const int budget = settings.options.max_retries;
    const std::string trouble = handshake_trouble();
    if (budget >= 0 && timeouts_in_row >= std::max(1, budget)) {  // vidgear: the n-th miss raises
      peer_lost = true;
      throw PeerLostError("netgear: no reply from the receiver at " + endpoints.front() + " within " +
                          std::to_string(settings.options.request_timeout.count()) + " ms, " +
                          std::to_string(timeouts_in_row) + " times in a row; giving up (max_retries=" +
                          std::to_string(budget) + ")" + trouble);
    }
    // Multi-client REQ keeps its socket: REQ_RELAXED lets it go on to the next
    // receiver in the round-robin and REQ_CORRELATE drops the laggard's late
    // reply, so one slow or gone receiver costs its own frames, not everyone's
    // (a fresh socket would start the round-robin at it again).
    const bool keep = settings.options.multiclient_mode && settings.pattern == Pattern::req_rep;
    log->warn("sender: no reply within {} ms; {} ({} timeouts in a row){}", settings.options.request_timeout.count(),
              keep ? "moving on to the next receiver" : "resetting the socket", timeouts_in_row, trouble);
    if (!keep) reset_socket();
    return outcome(SendStatus::timed_out);
  }

  // What every send() checks first.
  void check_can_send(const Frame& input) {
    if (closing) throw ModeError("netgear: send() called after close()");
    if (peer_lost) throw PeerLostError("netgear: send() after the receiver was given up as lost");
    {
      std::lock_guard lock(deferred);
      if (deferred_error) std::rethrow_exception(std::exchange(deferred_error, nullptr));
    }
    if (input.empty()) throw FrameError("netgear: cannot send an empty frame");
  }

  SendResult send(const Frame& input, const nlohmann::json& message) {
    const std::int64_t sent_ns = now_ns();
    if (encoders) return queue_for_encoding(input, message, sent_ns);
    std::unique_lock lock(io);
    if (closed) throw ModeError("netgear: send() called after close()");
    check_can_send(input);
    auto tracker = (settings.options.track && !settings.options.copy) ? std::make_shared<transport::ReleaseTracker>()
                                                                      : nullptr;
    detail::PayloadInfo info;
    zmq::message_t payload = detail::encode_payload(input, encoding, info, tracker);
    return transmit(payload, info, message, sent_ns, tracker.get());
  }

  // encode_threads > 1: hands the frame to the encode workers, waiting while
  // they all have a frame queued (so a slow receiver still paces the caller).
  SendResult queue_for_encoding(const Frame& input, const nlohmann::json& message, std::int64_t sent_ns) {
    check_can_send(input);
    const std::uint64_t number = ++submitted;
    // close() while this waited for room: the frame is not sent, as when close() interrupts a wait for a reply.
    return outcome(encoders->submit({input, message, sent_ns, number}) ? SendStatus::queued : SendStatus::interrupted);
  }

  // A worker thread: encodes one queued frame.
  Encoded encode(EncodeJob&& job) noexcept {
    Encoded done;
    done.message = std::move(job.message);
    done.sent_ns = job.sent_ns;
    try {
      done.payload = detail::encode_payload(job.frame, encoding, done.info, nullptr);
    } catch (const Error& e) {
      done.error = std::make_exception_ptr(
          FrameError("netgear: frame " + std::to_string(job.number) + " (a send() that returned) was not sent: " +
                     e.what()));
    } catch (...) {
      done.error = std::current_exception();
    }
    return done;
  }

  // A worker thread, in frame order: sends one encoded frame. A failure is
  // kept for the next send() to throw.
  void transmit_encoded(Encoded&& done) noexcept {
    if (done.error) return defer(done.error);
    std::lock_guard lock(io);
    if (closed || closing || peer_lost) return;  // the stream is over; drop the frame
    try {
      (void)transmit(done.payload, done.info, done.message, done.sent_ns, nullptr);
    } catch (const PeerLostError&) {
      // peer_lost is set: the next send() throws it again
    } catch (...) {
      defer(std::current_exception());
    }
  }

  // Sends one encoded frame and, for patterns 0/1, waits for the reply (io held).
  SendResult transmit(zmq::message_t& payload, const detail::PayloadInfo& info, const nlohmann::json& message,
                      std::int64_t sent_ns, transport::ReleaseTracker* tracker) {
    const Options& o = settings.options;
    const auto deadline = Clock::now() + o.request_timeout;
    const bool dontwait = (o.flag & ZMQ_DONTWAIT) != 0;
    drain_subscriptions();
    const std::string& header = frame_header(info, message, sent_ns);

    if (!dontwait && expects_reply()) {
      switch (transport::wait_for(socket, ZMQ_POLLOUT, &waker, deadline)) {
        case WaitResult::woken: return outcome(SendStatus::interrupted);
        case WaitResult::timed_out: return on_reply_timeout();
        case WaitResult::ready:
        case WaitResult::side_ready: break;  // no side socket here
      }
    }
    // Pattern 2 and flag=1 never wait: XPUB_NODROP/DONTWAIT report a full pipe as EAGAIN.
    // (Multi-client PUB/SUB drops per lagging receiver inside ZeroMQ instead.)
    if (!send_header(header)) {
      if (settings.pattern == Pattern::pub_sub) {
        ++dropped;
        return outcome(SendStatus::dropped);
      }
      return outcome(SendStatus::would_block);
    }
    const auto size = payload.size();
    (void)socket.send(payload, zmq::send_flags::dontwait);  // later parts of a message always go through
    ++frames_sent;
    bytes_sent += size;

    if (tracker && !tracker->wait_until(deadline))
      log->warn("sender: ZeroMQ still holds the frame buffer after request_timeout (track=true)");
    if (!expects_reply()) return outcome(SendStatus::queued);

    switch (transport::wait_for(socket, ZMQ_POLLIN, &waker, deadline)) {
      case WaitResult::woken: return outcome(SendStatus::interrupted);
      case WaitResult::timed_out: return on_reply_timeout();
      case WaitResult::ready:
      case WaitResult::side_ready: break;  // no side socket here
    }
    auto& parts = reply_parts;
    // No vidgear reply has more than 2 parts: of another, only its first counts.
    if (transport::recv_all(socket, parts, 2) > 2) parts.resize(1);
    ++replies;
    timeouts_in_row = 0;
    last_handshake_failure.reset();
    SendResult result = outcome(SendStatus::delivered);
    read_reply(parts, result);
    if (log->should_log(spdlog::level::debug)) log->debug("sender: reply {}", wire::peer_text(result.reply.dump()));
    return result;
  }

  [[nodiscard]] std::string termination() const { return wire::encode_termination({port_label}); }

  // PUB/SUB: ZeroMQ discards data a receiver has not read yet when the
  // connection closes under it, so after the termination the sender waits for
  // each netgear receiver to acknowledge it by unsubscribing (a vidgear
  // receiver never does: then the wait lasts until the deadline).
  void terminate_pubsub(Clock::time_point deadline) {
    const std::string term = termination();
    drain_subscriptions();
    if (subscribers <= 0) return;  // nobody to tell
    // XPUB_NODROP says EAGAIN while a receiver's pipe is full: retry until it
    // fits. Multi-client (lossy) PUB/SUB may drop it for a lagging receiver:
    // offer it again every 20 ms to those that have not acknowledged yet.
    const bool lossy = settings.options.multiclient_mode;
    bool sent = false;
    while (subscribers > 0 && Clock::now() < deadline) {
      if (!sent || lossy) sent = socket.send(zmq::buffer(term), zmq::send_flags::dontwait).has_value() || sent;
      const auto pause = sent ? Milliseconds(20) : Milliseconds(1);
      if (transport::wait_for(socket, ZMQ_POLLIN, nullptr, std::min(deadline, Clock::now() + pause)) ==
          WaitResult::ready)
        drain_subscriptions();
    }
    if (!sent) log->warn("sender: the receiver did not take the termination message");
  }

  // PAIR, REQ/REP: one termination message; pattern 1 also reads its
  // acknowledgement. Multi-client REQ round-robins, so it sends one per receiver.
  void terminate_lockstep(Clock::time_point deadline) {
    const std::string term = termination();
    const std::size_t copies = settings.options.multiclient_mode ? endpoints.size() : 1;
    for (std::size_t i = 0; i < copies; ++i) {
      if (transport::wait_for(socket, ZMQ_POLLOUT, nullptr, deadline) != WaitResult::ready ||
          !socket.send(zmq::buffer(term), zmq::send_flags::dontwait)) {
        log->warn("sender: could not send the termination message");
        return;
      }
      if (settings.pattern != Pattern::req_rep) continue;
      // vidgear reads the receiver's acknowledgement for request_timeout / 5.
      auto ack_deadline = std::min(deadline, Clock::now() + settings.options.request_timeout / 5);
      if (transport::wait_for(socket, ZMQ_POLLIN, nullptr, ack_deadline) == WaitResult::ready) {
        std::vector<zmq::message_t> parts;
        if (transport::recv_all(socket, parts)) termination_ack = parts.front().to_string();
      }
    }
  }

  // force_terminate (and bidirectional mode, as vidgear): one termination,
  // offered without waiting for room, a reply or an acknowledgement.
  void terminate_now() {
    drain_subscriptions();
    if (!socket.send(zmq::buffer(termination()), zmq::send_flags::dontwait))
      log->warn("sender: force_terminate: the termination message could not be queued");
  }

  // Sends the termination message; bounded by `bound` in every case.
  void terminate(Milliseconds bound) {
    // ZeroMQ may go on pushing the message out for `bound` after close().
    socket.set(zmq::sockopt::linger, static_cast<int>(bound.count()));
    const auto deadline = Clock::now() + bound;
    if (force_close())
      terminate_now();
    else if (settings.pattern == Pattern::pub_sub)
      terminate_pubsub(deadline);
    else
      terminate_lockstep(deadline);
  }

  void close() noexcept {
    if (encoders) {
      // Queued frames go out first, within the same bound as the termination.
      const auto bound = std::min(settings.options.request_timeout, Milliseconds(1000));
      if (!encoders->drain(Clock::now() + bound)) log->warn("sender: close: frames still queued were dropped");
    }
    closing = true;
    waker.signal();
    if (encoders) encoders->stop();  // a frame waiting for its reply returns at the waker
    std::lock_guard lock(io);
    if (closed) return;
    closed = true;
    try {
      const auto bound = force_close() ? Milliseconds(100) : std::min(settings.options.request_timeout, Milliseconds(1000));
      if (!peer_lost) terminate(bound);
      if (monitor) monitor->stop();  // before the socket it watches
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
  check_json_depth(message, "message");  // before anything recursive (encoding, a copy for the workers)
  return impl_->send(frame, message);
}

bool Sender::wait_for_receiver(std::chrono::milliseconds timeout, std::size_t count) {
  return impl_ && impl_->wait_for_receiver(timeout, count);
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
