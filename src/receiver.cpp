#include "netgear/receiver.hpp"

#include <atomic>
#include <mutex>
#include <thread>

#include "frame_codec.hpp"
#include "log.hpp"
#include "log_limit.hpp"
#include "peer_watch.hpp"
#include "netgear/error.hpp"
#include "netgear/json_limits.hpp"
#include "queue/bounded_queue.hpp"
#include "roster.hpp"
#include "security/secure_setup.hpp"
#include "transport/context.hpp"
#include "transport/sockets.hpp"
#include "wire/header.hpp"
#include "wire/peer_text.hpp"
#include "wire/reply.hpp"

namespace netgear {

using transport::Clock;
using transport::WaitResult;

namespace {

OverflowPolicy effective_policy(const Settings& s) {
  if (s.options.overflow_policy) return *s.options.overflow_policy;
  return s.pattern == Pattern::pub_sub ? OverflowPolicy::drop_oldest : OverflowPolicy::block;
}

std::optional<std::size_t> queue_byte_bound(const Options& o) {
  if (o.queue_max_bytes < 0) return std::nullopt;
  return static_cast<std::size_t>(o.queue_max_bytes);
}

inline const std::string bad_label = "a 'port' label in multi-server mode that is not a string or an integer of at most " +
                                     std::to_string(detail::Roster::max_label_bytes) + " bytes";

// How long the I/O thread waits for the next message before ending the stream.
std::optional<Milliseconds> silence_limit(const Settings& s) {
  const Options& o = s.options;
  if (o.receive_timeout) return o.receive_timeout;
  if (s.pattern == Pattern::pub_sub) return o.subscriber_timeout;
  if (o.max_retries < 0) return std::nullopt;
  return 3 * o.request_timeout * std::max(1, o.max_retries);  // vidgear: 3 x request_timeout per retry
}

}  // namespace

struct Receiver::Impl {
  Settings settings;
  std::shared_ptr<spdlog::logger> log;
  std::shared_ptr<zmq::context_t> ctx = transport::shared_context();
  std::vector<std::string> endpoints;
  std::optional<security::ServerGuard> guard;  // secure mode: keys and authenticator policy
  zmq::socket_t socket;  // owned by the I/O thread once it runs
  std::optional<detail::PeerWatch> watch;  // tcp/ipc: refused clients, vanished senders, idle peers; I/O thread
  transport::Waker waker;
  queue::BoundedQueue<Received> frames;
  const std::string device_id = wire::make_device_id();
  const std::string plain_reply = wire::frame_reply(device_id);  // made once, sent after every frame
  const std::optional<Milliseconds> silence = silence_limit(settings);
  const detail::Encoding encoding = detail::encoding_for(settings.options);  // for returned frames
  const detail::Decoding decoding = detail::decoding_for(settings.options);
  detail::Roster roster{{}};  // multi-server: I/O thread only
  std::string own_port;      // multi-client: the label this receiver puts in its replies

  std::atomic<EndReason> end{EndReason::none};
  std::atomic<std::uint64_t> received{0}, delivered{0}, bad{0}, bytes{0}, filtered{0};
  // Warnings a peer can cause at will: the first few, then one per 10 s (I/O thread).
  detail::LogLimiter malformed_log{5, std::chrono::seconds(10)};
  detail::LogLimiter unsent_reply_log{5, std::chrono::seconds(10)};  // a peer that never reads its replies
  std::mutex return_mutex;
  nlohmann::json return_data;           // guarded by return_mutex
  std::optional<Frame> return_frame;    // guarded by return_mutex

  std::mutex close_mutex;
  bool closed = false;  // guarded by close_mutex
  std::thread io;

  explicit Impl(Settings s)
      : settings(std::move(s)),
        log(detail::make_logger(settings.logging)),
        frames(settings.options.queue_size, effective_policy(settings), queue_byte_bound(settings.options)) {
    settings.validate(Role::receiver);
    std::vector<std::string> wanted;
    const auto address = settings.effective_address(Role::receiver);
    for (const auto& port : settings.effective_ports())
      wanted.push_back(transport::make_endpoint(settings.protocol, address, port));
    if (settings.options.secure_mode != SecureMode::grasslands) guard.emplace(settings.options, ctx, log);
    socket = transport::open_receiver_socket(*ctx, settings.pattern, settings.options,
                                             guard ? guard->curve() : transport::Curve{});
    if (detail::PeerWatch::applies(settings)) watch.emplace(*ctx, socket, settings, log);
    endpoints = transport::bind_all(socket, wanted);
    std::vector<std::string> bound_ports;  // wildcards resolved: what senders will stamp
    for (const auto& e : endpoints) bound_ports.push_back(e.substr(e.rfind(':') + 1));
    roster = detail::Roster(bound_ports);
    own_port = bound_ports.front();
    log->info("receiver: {} over {} bound to {} (queue {}, {})", to_string(settings.pattern),
              to_string(settings.protocol), endpoints.front(), settings.options.queue_size,
              to_string(effective_policy(settings)));
    io = std::thread([this] { run(); });
  }

  void finish(EndReason reason) {
    EndReason expected = EndReason::none;
    end.compare_exchange_strong(expected, reason);
    frames.finish();
  }

  [[nodiscard]] bool replies() const { return settings.pattern != Pattern::pub_sub; }

  void reply(std::string_view text) {
    std::uint64_t suppressed = 0;
    if (!socket.send(zmq::buffer(text), zmq::send_flags::dontwait) && unsent_reply_log.allow(Clock::now(), suppressed))
      log->warn("receiver: could not send the reply (sender gone?){}",
                suppressed ? " (" + std::to_string(suppressed) + " more not logged)" : std::string());
  }

  void run() {
    std::vector<zmq::message_t> parts;
    zmq::socket_t* side = watch ? &watch->socket() : nullptr;
    try {
      auto last_message = Clock::now();
      for (;;) {
        transport::Deadline silent_at, deadline;
        if (silence) deadline = silent_at = last_message + *silence;
        if (const auto due = watch ? watch->next_due() : std::nullopt; due && (!deadline || *due < *deadline))
          deadline = due;
        auto waited = transport::wait_for(socket, ZMQ_POLLIN, &waker, deadline, side);
        if (waited == WaitResult::woken) return;  // close() ends the stream itself
        if (waited == WaitResult::side_ready) {
          watch->drain(Clock::now());
          continue;
        }
        if (waited == WaitResult::timed_out) {  // the socket had nothing left to read
          const auto now = Clock::now();
          if (watch && watch->on_timer(now)) {
            finish(EndReason::senders_gone);
            return;
          }
          if (silent_at && now >= *silent_at) {
            log->warn("receiver: nothing received for {} ms; ending the stream", silence->count());
            finish(EndReason::timed_out);
            return;
          }
          continue;
        }
        // A NetGear message has 2 parts; of a longer one, only those are kept.
        const std::size_t count = transport::recv_all(socket, parts, 2);
        if (count == 0) continue;
        const std::uint64_t valid_before = received + filtered;
        const int from = detail::PeerWatch::connection_of(parts.front());  // before handle() moves parts
        const bool ended = handle(parts, count);
        last_message = Clock::now();  // after handle(): a full queue may have held it
        if (watch) {
          watch->drain(last_message);  // after the read: this connection's arrival is in by now
          if (received + filtered != valid_before) watch->frame_from(from, last_message);
        }
        if (ended) {
          finish(EndReason::terminated);
          return;
        }
      }
    } catch (const std::exception& e) {
      log->error("receiver: I/O thread stopped: {}", e.what());
      finish(EndReason::failed);
    }
  }

  // `why` quotes peer values only through wire::peer_text (escaped, cut short).
  void reject(const std::string& why) {
    ++bad;
    std::uint64_t suppressed = 0;
    if (!malformed_log.allow(Clock::now(), suppressed)) return;
    if (suppressed == 0)
      log->warn("receiver: dropped a malformed message: {}", why);
    else
      log->warn("receiver: dropped a malformed message: {} ({} more not logged; {} bad in all)", why, suppressed,
                bad.load());
  }

  [[nodiscard]] const Options& options() const { return settings.options; }

  // The reply to a frame message (patterns 0/1), sent before decoding as
  // vidgear does. `h` is null when the header was unreadable.
  void reply_to_frame(const wire::FrameHeader* h) {
    if (!replies()) return;
    if (!options().bidirectional_mode && !options().multiclient_mode) {
      reply(plain_reply);
      return;
    }
    const nlohmann::json port =
        options().multiclient_mode ? nlohmann::json(own_port) : nlohmann::json(nullptr);
    nlohmann::json data;
    std::optional<Frame> frame;
    if (options().bidirectional_mode) {
      std::lock_guard lock(return_mutex);
      data = return_data;
      frame = return_frame;
    }
    if (frame && h && reads_array_replies(*h)) {
      reply_with_frame(*frame, port);
      return;
    }
    if (frame) log->warn("receiver: this sender cannot take a returned frame (vidgear 0.1.x); replying null");
    reply(wire::encode_data_reply(frame ? nlohmann::json(nullptr) : data, port));
  }

  // Two-part array replies exist since vidgear 0.3; a 0.1.x sender (raw
  // frames say "compression": "") would misread them.
  static bool reads_array_replies(const wire::FrameHeader& h) {
    return h.seq.has_value() || h.compression.kind == wire::Compression::Kind::jpeg ||
           (h.compression.is_raw() && !h.compression.raw_as_string);
  }

  void reply_with_frame(const Frame& frame, const nlohmann::json& port) {
    detail::PayloadInfo info;
    zmq::message_t payload;
    try {
      payload = detail::encode_payload(frame, encoding, info);
    } catch (const std::exception& e) {
      log->warn("receiver: cannot return the frame: {}", e.what());
      reply(wire::encode_data_reply(nullptr, port));
      return;
    }
    wire::ArrayReply r{port, info.compression, info.dtype, info.shape};
    if (!info.compression.is_raw()) {  // vidgear 0.3 writes "" for compressed arrays
      r.dtype.clear();
      r.shape.reset();
    }
    const auto head = wire::encode_array_reply(r);
    if (!socket.send(zmq::buffer(head), zmq::send_flags::sndmore | zmq::send_flags::dontwait) ||
        !socket.send(payload, zmq::send_flags::dontwait))
      log->warn("receiver: could not send the reply (sender gone?)");
  }

  // Handles a termination; true when it ends the stream.
  bool on_termination(const wire::Termination& t) {
    const bool multiserver = options().multiserver_mode;
    if (settings.pattern == Pattern::req_rep)
      reply(multiserver ? wire::multiserver_termination_reply : wire::termination_reply);
    if (multiserver) {
      const auto label = detail::Roster::label(t.port);
      if (!label) {
        reject(bad_label);
        return false;
      }
      if (!options().filter.empty() && *label != options().filter) return false;
      if (!roster.terminate(*label)) {
        log->info("receiver: the sender on port {} ended its stream", wire::peer_text(*label));
        return false;
      }
    }
    // A netgear publisher waits for this before closing (see Sender::close).
    if (settings.pattern == Pattern::pub_sub) socket.set(zmq::sockopt::unsubscribe, "");
    log->info("receiver: the sender(s) ended the stream after {} frames", received.load());
    return true;
  }

  // Handles one message; true when it ends the stream.
  bool handle(std::vector<zmq::message_t>& parts, std::size_t count) {
    wire::Header header;
    try {
      header = wire::decode_header(parts.front().to_string_view());
    } catch (const wire::WireError& e) {
      reply_to_frame(nullptr);  // keeps REQ/REP and PAIR senders in step
      reject(e.what());
      return false;
    }
    if (const auto* t = std::get_if<wire::Termination>(&header)) return on_termination(*t);

    auto& h = std::get<wire::FrameHeader>(header);
    reply_to_frame(&h);
    if (count != 2) {
      reject("a frame message has " + std::to_string(count) + " parts, not 2");
      return false;
    }
    std::string label;  // multi-server: the sender's, recorded once its frame proved valid
    if (options().multiserver_mode) {
      if (h.port.is_null()) {
        reject("a frame without a 'port' key in multi-server mode");
        return false;
      }
      auto checked = detail::Roster::label(h.port);
      if (!checked) {
        reject(bad_label);
        return false;
      }
      if (!options().filter.empty() && *checked != options().filter) {
        ++filtered;
        return false;
      }
      if (!roster.admits(*checked)) {
        reject("a frame from a new sender while " + std::to_string(detail::Roster::max_senders) +
               " others are streaming (multi-server mode keeps no more)");
        return false;
      }
      label = std::move(*checked);
    }
    Received got;
    const std::size_t wire_size = parts[1].size();
    try {
      got.frame = detail::decode_payload({h.compression, h.dtype, h.shape}, std::move(parts[1]), decoding);
    } catch (const std::exception& e) {  // wire::WireError, codec::CodecError
      reject(e.what());
      return false;
    }
    if (options().multiserver_mode) roster.frame_from(label);
    got.message = std::move(h.message);
    got.port = std::move(h.port);
    got.seq = h.seq;
    if (h.sent_ns)
      got.sent_at = std::chrono::system_clock::time_point(
          std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(*h.sent_ns)));
    got.received_at = std::chrono::system_clock::now();
    ++received;
    bytes += wire_size;
    const std::size_t held = got.frame.byte_size();
    frames.push(std::move(got), held);
    return false;
  }

  std::optional<Received> recv(std::optional<Clock::time_point> deadline) {
    queue::PopStatus status{};
    auto item = frames.pop(deadline, status);
    if (item) ++delivered;
    return item;
  }

  void close() noexcept {
    std::lock_guard lock(close_mutex);
    if (closed) return;
    closed = true;
    finish(EndReason::closed);
    frames.close();  // also releases an I/O thread blocked on a full queue
    waker.signal();
    if (io.joinable()) io.join();
    try {
      if (watch) watch->close();  // before the socket it watches
      socket.close();
    } catch (const std::exception& e) {
      log->error("receiver: close: {}", e.what());
    }
    log->info("receiver: closed after {} frames ({} dropped, {} bad)", received.load(), frames.dropped(), bad.load());
  }
};

std::string_view to_string(EndReason reason) noexcept {
  switch (reason) {
    case EndReason::none: return "none";
    case EndReason::terminated: return "terminated";
    case EndReason::timed_out: return "timed_out";
    case EndReason::closed: return "closed";
    case EndReason::failed: return "failed";
    case EndReason::senders_gone: return "senders_gone";
  }
  return "unknown";
}

Receiver::Receiver(Settings settings) : impl_(std::make_unique<Impl>(std::move(settings))) {}
Receiver::~Receiver() { close(); }
Receiver::Receiver(Receiver&&) noexcept = default;
Receiver& Receiver::operator=(Receiver&& other) noexcept {
  if (this != &other) {
    close();
    impl_ = std::move(other.impl_);
  }
  return *this;
}

std::optional<Received> Receiver::recv() {
  if (!impl_) throw ModeError("netgear: recv() on a moved-from Receiver");
  return impl_->recv(std::nullopt);
}

std::optional<Received> Receiver::recv_for(std::chrono::milliseconds wait) {
  if (!impl_) throw ModeError("netgear: recv() on a moved-from Receiver");
  return impl_->recv(Clock::now() + wait);
}

void Receiver::set_return_data(nlohmann::json data) {
  check_json_depth(data, "return_data");  // the I/O thread copies and encodes it recursively
  std::lock_guard lock(impl_->return_mutex);
  impl_->return_data = std::move(data);
  impl_->return_frame.reset();
}

void Receiver::set_return_data(Frame frame) {
  std::lock_guard lock(impl_->return_mutex);
  impl_->return_frame = std::move(frame);
  impl_->return_data = nullptr;
}

void Receiver::close() noexcept {
  if (impl_) impl_->close();
}

bool Receiver::ended() const noexcept { return impl_ && impl_->end != EndReason::none; }
EndReason Receiver::end_reason() const noexcept { return impl_ ? impl_->end.load() : EndReason::closed; }
std::vector<std::string> Receiver::endpoints() const { return impl_ ? impl_->endpoints : std::vector<std::string>{}; }

ReceiverStats Receiver::stats() const {
  if (!impl_) return {};
  ReceiverStats stats{impl_->received, impl_->delivered, impl_->frames.dropped(), impl_->bad,
                      impl_->bytes,    impl_->frames.size(), 0};
  stats.queued_bytes = impl_->frames.bytes();
  stats.filtered = impl_->filtered;
  if (impl_->watch) {
    stats.rejected = impl_->watch->rejected;
    stats.peers = impl_->watch->peers;
    stats.idle_peer_warnings = impl_->watch->idle_peer_warnings;
  }
  return stats;
}

const Settings& Receiver::settings() const noexcept { return impl_->settings; }

}  // namespace netgear
