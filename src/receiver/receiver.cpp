// The Receiver: one I/O thread reads the socket, answers by the reply
// policy, hands each message to the message handler and queues the frames;
// recv() takes them from the queue. Both helpers are socket-free; this file
// holds the socket, the thread and the stream's end.
#include "netgear/receiver.hpp"

#include <atomic>
#include <mutex>
#include <thread>

#include "log.hpp"
#include "log_limit.hpp"
#include "netgear/error.hpp"
#include "netgear/json_limits.hpp"
#include "queue/bounded_queue.hpp"
#include "receiver/frame_tap.hpp"
#include "receiver/message_handler.hpp"
#include "receiver/peer_watch.hpp"
#include "receiver/reply_policy.hpp"
#include "receiver/silence.hpp"
#include "security/secure_setup.hpp"
#include "transport/context.hpp"
#include "transport/sockets.hpp"
#include "video_codec/codecs.hpp"
#include "wire/peer_text.hpp"
#include "wire/viewer_topic.hpp"

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

Settings validated(Settings settings) {
  settings.validate(Role::receiver);
  return settings;
}

std::vector<std::string> wanted_endpoints(const Settings& s) {
  std::vector<std::string> wanted;
  const auto address = s.effective_address(Role::receiver);
  for (const auto& port : s.effective_ports()) wanted.push_back(transport::make_endpoint(s.protocol, address, port));
  return wanted;
}

// PUB/SUB: the subscription that makes this receiver a relay's viewer (see
// wire/viewer_topic.hpp); its codecs are those a receiver decodes.
std::string viewer_topic_for(const Settings& s) {
  if (s.pattern != Pattern::pub_sub) return {};
  wire::ViewerTopic viewer;
  viewer.id = wire::new_viewer_id();
  if (video_codec::available()) viewer.codecs.emplace_back("h264");
  if (s.options.multiserver_mode) viewer.port = s.options.filter;
  return wire::encode_viewer_topic(viewer);
}

// The bound ports, wildcards resolved: what senders will stamp.
std::vector<std::string> ports_of(const std::vector<std::string>& endpoints) {
  std::vector<std::string> ports;
  for (const auto& e : endpoints) ports.push_back(e.substr(e.rfind(':') + 1));
  return ports;
}

}  // namespace

struct Receiver::Impl {
  const Settings settings;
  detail::FrameTap* const tap;  // a relay's input: frames go there, undecoded
  const std::string viewer_topic = viewer_topic_for(settings);
  const std::shared_ptr<spdlog::logger> log = detail::make_logger(settings.logging);
  const std::shared_ptr<zmq::context_t> ctx = transport::shared_context();
  const std::optional<Milliseconds> silence = detail::silence_limit(settings);
  std::optional<security::ServerGuard> guard;  // secure mode: keys and authenticator policy
  zmq::socket_t socket;                        // owned by the I/O thread once it runs
  std::optional<detail::PeerWatch> watch;      // tcp/ipc: refused clients, vanished senders, idle peers
  std::vector<std::string> endpoints;
  std::vector<std::string> bound_ports;  // what multi-server senders stamp
  transport::Waker waker;
  queue::BoundedQueue<Received> frames;
  std::optional<detail::MessageHandler> handler;  // I/O thread only
  std::optional<detail::ReplyPolicy> replies;     // I/O thread, but for the return data

  std::atomic<EndReason> end{EndReason::none};
  std::atomic<std::uint64_t> received{0}, delivered{0}, bad{0}, bytes{0}, filtered{0}, skipped{0};
  // Warnings a peer can cause at will: the first few, then one per 10 s (I/O thread).
  detail::LogLimiter malformed_log{5, std::chrono::seconds(10)};
  detail::LogLimiter unsent_reply_log{5, std::chrono::seconds(10)};  // a peer that never reads its replies

  std::mutex close_mutex;
  bool closed = false;  // guarded by close_mutex
  std::thread io;

  explicit Impl(Settings s, detail::FrameTap* frame_tap = nullptr)
      : settings(validated(std::move(s))),
        tap(frame_tap),
        frames(settings.options.queue_size, effective_policy(settings), queue_byte_bound(settings.options)) {
    // Secure mode: the side that binds is the CURVE server (docs/protocol.md §6.6).
    const bool secure = settings.options.secure_mode != SecureMode::grasslands;
    const bool binds = settings.binds(Role::receiver);
    if (secure && binds) guard.emplace(settings.options, ctx, log);
    socket = transport::open_receiver_socket(*ctx, settings.pattern, settings.options,
                                             guard    ? guard->curve()
                                             : secure ? security::client_keys(settings.options, *log)
                                                      : transport::Curve{});
    if (!viewer_topic.empty()) socket.set(zmq::sockopt::subscribe, viewer_topic);
    if (detail::PeerWatch::applies(settings)) watch.emplace(*ctx, socket, settings, log);  // before binding
    endpoints = transport::attach_all(socket, wanted_endpoints(settings), settings.binds(Role::receiver));
    bound_ports = ports_of(endpoints);
    const auto& ports = bound_ports;
    handler.emplace(settings, ports);
    replies.emplace(settings, ports.front(), *log);
    log->info("receiver: {} over {} {} {} (queue {}, {})", to_string(settings.pattern),
              to_string(settings.protocol), binds ? "bound to" : "dialing", endpoints.front(), settings.options.queue_size,
              to_string(effective_policy(settings)));
    io = std::thread([this] { run(); });
  }

  void finish(EndReason reason) {
    EndReason expected = EndReason::none;
    end.compare_exchange_strong(expected, reason);
    frames.finish();
  }

  void send_reply(std::optional<detail::ReplyMessage> reply) {
    if (!reply) return;
    const bool two = reply->payload.has_value();
    const auto more = two ? zmq::send_flags::sndmore : zmq::send_flags::none;
    bool sent = socket.send(zmq::buffer(reply->head), more | zmq::send_flags::dontwait).has_value();
    if (sent && two) sent = socket.send(*reply->payload, zmq::send_flags::dontwait).has_value();
    std::uint64_t suppressed = 0;
    if (!sent && unsent_reply_log.allow(Clock::now(), suppressed))
      log->warn("receiver: could not send the reply (sender gone?){}",
                suppressed ? " (" + std::to_string(suppressed) + " more not logged)" : std::string());
  }

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
        const auto waited = transport::wait_for(socket, ZMQ_POLLIN, &waker, deadline, side);
        if (waited == WaitResult::woken) return;  // close() ends the stream itself
        if (waited == WaitResult::side_ready) {
          watch->drain(Clock::now());
          continue;
        }
        if (waited == WaitResult::timed_out) {  // the socket had nothing left to read
          const auto now = Clock::now();
          if (watch && watch->on_timer(now)) return finish(EndReason::senders_gone);
          if (silent_at && now >= *silent_at) {
            log->warn("receiver: nothing received for {} ms; ending the stream", silence->count());
            return finish(EndReason::timed_out);
          }
          continue;
        }
        // A NetGear message has 2 parts (3 from a relay, see strip_envelope);
        // of a longer one, only those are kept.
        std::size_t count = transport::recv_all(socket, parts, 3);
        if (count == 0) continue;
        strip_envelope(parts, count);
        const std::uint64_t valid_before = received + filtered + skipped;
        const int from = detail::PeerWatch::connection_of(parts.front());  // before handle() moves parts
        const bool ends = handle(parts, count);
        last_message = Clock::now();  // after handle(): a full queue may have held it
        if (watch) {
          watch->drain(last_message);  // after the read: this connection's arrival is in by now
          if (received + filtered + skipped != valid_before) watch->frame_from(from, last_message);
        }
        if (ends) return finish(EndReason::terminated);
      }
    } catch (const std::exception& e) {
      log->error("receiver: I/O thread stopped: {}", e.what());
      finish(EndReason::failed);
    }
  }

  // A relay sends its viewer the viewer's own topic first (the envelope).
  void strip_envelope(std::vector<zmq::message_t>& parts, std::size_t& count) const {
    if (viewer_topic.empty() || count < 2 || parts.front().to_string_view() != viewer_topic) return;
    parts.erase(parts.begin());
    --count;
  }

  // One message; true when it ends the stream.
  bool handle(std::vector<zmq::message_t>& parts, std::size_t count) {
    auto header = handler->read_header(parts.front().to_string_view());
    if (auto* rejected = std::get_if<detail::Rejected>(&header)) {
      send_reply(replies->to_frame(nullptr));  // keeps REQ/REP and PAIR senders in step
      reject(rejected->why);
      return false;
    }
    if (auto* t = std::get_if<wire::Termination>(&header)) return on_termination(*t, parts.front());

    auto& h = std::get<wire::FrameHeader>(header);
    if (tap) return pass(h, parts, count);
    send_reply(replies->to_frame(&h, handler->video_answer(h)));  // before decoding, as vidgear
    const std::size_t wire_size = count >= 2 ? parts[1].size() : 0;
    auto outcome = handler->take_frame(h, parts, count);
    if (auto* rejected = std::get_if<detail::Rejected>(&outcome)) {
      reject(rejected->why);
    } else if (std::holds_alternative<detail::Filtered>(outcome)) {
      ++filtered;
    } else if (std::holds_alternative<detail::Skipped>(outcome)) {
      if (skipped++ == 0) log->info("receiver: skipping video frames until a keyframe (joined mid-stream or lost one)");
    } else {
      auto& got = std::get<Received>(outcome);
      ++received;
      bytes += wire_size;
      const std::size_t held = got.frame.byte_size();
      frames.push(std::move(got), held);
    }
    return false;
  }

  // A relay's input: checked as any frame, then handed over undecoded.
  bool pass(wire::FrameHeader& h, std::vector<zmq::message_t>& parts, std::size_t count) {
    auto checked = handler->check_frame(h, count);
    if (auto* rejected = std::get_if<detail::Rejected>(&checked)) {
      send_reply(replies->to_frame(nullptr));
      reject(rejected->why);
      return false;
    }
    if (std::holds_alternative<detail::Filtered>(checked)) {
      send_reply(replies->to_frame(nullptr));
      ++filtered;
      return false;
    }
    const auto& label = std::get<std::string>(checked);
    handler->accept_frame(label);
    send_reply(replies->to_frame(&h, tap->video_answer(h, label)));
    ++received;
    bytes += parts[1].size();
    tap->frame(h, label, parts[0], parts[1]);
    return false;
  }

  bool on_termination(const wire::Termination& t, zmq::message_t& head) {
    send_reply(replies->to_termination());
    auto outcome = handler->take_termination(t);
    if (auto* rejected = std::get_if<detail::Rejected>(&outcome)) {
      reject(rejected->why);
      return false;
    }
    if (tap) {
      const auto label = settings.options.multiserver_mode ? detail::Roster::label(t.port).value_or("") : "";
      tap->termination(label, head, std::get<detail::Terminated>(outcome).ends);
    }
    if (!std::get<detail::Terminated>(outcome).ends) {
      log->info("receiver: the sender on port {} ended its stream", wire::peer_text(t.port.dump()));
      return false;
    }
    // A netgear publisher waits for this before closing (see PublishChannel).
    if (settings.pattern == Pattern::pub_sub) socket.set(zmq::sockopt::unsubscribe, "");
    log->info("receiver: the sender(s) ended the stream after {} frames", received.load());
    if (!tap) return true;
    // A relay's input outlives its streams, on the same socket: no moment
    // without a listener for the next sender to fall into.
    if (settings.pattern == Pattern::pub_sub) socket.set(zmq::sockopt::subscribe, "");
    handler.emplace(settings, bound_ports);  // a fresh roster and video state
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
Receiver::Receiver(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Receiver detail::make_tapped_receiver(Settings settings, FrameTap& tap) {
  return Receiver(std::make_unique<Receiver::Impl>(std::move(settings), &tap));
}
Receiver::~Receiver() { close(); }
Receiver::Receiver(Receiver&&) noexcept = default;
Receiver& Receiver::operator=(Receiver&& other) noexcept {
  if (this != &other) {
    close();
    impl_ = std::move(other.impl_);
  }
  return *this;
}

Receiver::Impl& Receiver::impl(const char* what) const {
  if (!impl_) throw ModeError(std::string("netgear: ") + what + " on a moved-from Receiver");
  return *impl_;
}

std::optional<Received> Receiver::recv() { return impl("recv()").recv(std::nullopt); }

std::optional<Received> Receiver::recv_for(std::chrono::milliseconds wait) {
  return impl("recv()").recv(Clock::now() + wait);
}

void Receiver::set_return_data(nlohmann::json data) {
  auto& self = impl("set_return_data()");
  check_json_depth(data, "return_data");  // the I/O thread copies and encodes it recursively
  self.replies->set_return(std::move(data));
}

void Receiver::set_return_data(Frame frame) { impl("set_return_data()").replies->set_return(std::move(frame)); }

void Receiver::close() noexcept {
  if (impl_) impl_->close();
}

bool Receiver::ended() const noexcept { return !impl_ || impl_->frames.exhausted(); }
EndReason Receiver::end_reason() const noexcept { return impl_ ? impl_->end.load() : EndReason::closed; }
std::vector<std::string> Receiver::endpoints() const { return impl_ ? impl_->endpoints : std::vector<std::string>{}; }

ReceiverStats Receiver::stats() const {
  if (!impl_) return {};
  const auto& i = *impl_;
  const bool watched = i.watch.has_value();
  return {
      .received = i.received,
      .delivered = i.delivered,
      .dropped = i.frames.dropped(),
      .bad = i.bad,
      .bytes = i.bytes,
      .queued = i.frames.size(),
      .queued_bytes = i.frames.bytes(),
      .filtered = i.filtered,
      .skipped = i.skipped,
      .rejected = watched ? i.watch->rejected.load() : 0,
      .peers = watched ? i.watch->peers.load() : 0,
      .idle_peer_warnings = watched ? i.watch->idle_peer_warnings.load() : 0,
  };
}

const Settings& Receiver::settings() const { return impl("settings()").settings; }

}  // namespace netgear
