#include "netgear/receiver.hpp"

#include <atomic>
#include <mutex>
#include <thread>

#include "log.hpp"
#include "netgear/error.hpp"
#include "queue/bounded_queue.hpp"
#include "transport/context.hpp"
#include "transport/sockets.hpp"
#include "wire/header.hpp"
#include "wire/payload.hpp"
#include "wire/reply.hpp"

namespace netgear {

using transport::Clock;
using transport::WaitResult;

namespace {

OverflowPolicy effective_policy(const Settings& s) {
  if (s.options.overflow_policy) return *s.options.overflow_policy;
  return s.pattern == Pattern::pub_sub ? OverflowPolicy::drop_oldest : OverflowPolicy::block;
}

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
  zmq::socket_t socket;  // owned by the I/O thread once it runs
  transport::Waker waker;
  queue::BoundedQueue<Received> frames;
  const std::string device_id = wire::make_device_id();
  const std::optional<Milliseconds> silence = silence_limit(settings);

  std::atomic<EndReason> end{EndReason::none};
  std::atomic<std::uint64_t> received{0}, delivered{0}, bad{0}, bytes{0};
  std::mutex return_mutex;
  nlohmann::json return_data;

  std::mutex close_mutex;
  bool closed = false;  // guarded by close_mutex
  std::thread io;

  explicit Impl(Settings s)
      : settings(std::move(s)),
        log(detail::make_logger(settings.logging)),
        frames(settings.options.queue_size, effective_policy(settings)) {
    settings.validate(Role::receiver);
    std::vector<std::string> wanted;
    const auto address = settings.effective_address(Role::receiver);
    for (const auto& port : settings.effective_ports())
      wanted.push_back(transport::make_endpoint(settings.protocol, address, port));
    socket = transport::open_receiver_socket(*ctx, settings.pattern, wanted, settings.options, endpoints);
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
    if (!socket.send(zmq::buffer(text), zmq::send_flags::dontwait))
      log->warn("receiver: could not send the reply (sender gone?)");
  }

  void run() {
    std::vector<zmq::message_t> parts;
    try {
      for (;;) {
        transport::Deadline deadline;
        if (silence) deadline = Clock::now() + *silence;
        auto waited = transport::wait_for(socket, ZMQ_POLLIN, &waker, deadline);
        if (waited == WaitResult::woken) return;  // close() ends the stream itself
        if (waited == WaitResult::timed_out) {
          log->warn("receiver: nothing received for {} ms; ending the stream", silence->count());
          finish(EndReason::timed_out);
          return;
        }
        if (!transport::recv_all(socket, parts)) continue;
        if (handle(parts)) {
          finish(EndReason::terminated);
          return;
        }
      }
    } catch (const std::exception& e) {
      log->error("receiver: I/O thread stopped: {}", e.what());
      finish(EndReason::failed);
    }
  }

  void reject(const std::string& why) {
    ++bad;
    log->warn("receiver: dropped a malformed message: {}", why);
  }

  // Handles one message; true when it ends the stream.
  bool handle(std::vector<zmq::message_t>& parts) {
    wire::Header header;
    try {
      header = wire::decode_header(parts.front().to_string_view());
    } catch (const wire::WireError& e) {
      if (replies()) reply(wire::frame_reply(device_id));  // keeps REQ/REP and PAIR senders in step
      reject(e.what());
      return false;
    }
    if (std::holds_alternative<wire::Termination>(header)) {
      if (settings.pattern == Pattern::req_rep) reply(wire::termination_reply);
      // A netgear publisher waits for this before closing (see Sender::close).
      if (settings.pattern == Pattern::pub_sub) socket.set(zmq::sockopt::unsubscribe, settings.options.filter);
      log->info("receiver: the sender ended the stream after {} frames", received.load());
      return true;
    }
    // vidgear replies as soon as the payload is read, before decoding.
    if (replies()) reply(wire::frame_reply(device_id));
    auto& h = std::get<wire::FrameHeader>(header);
    if (parts.size() != 2) {
      reject("a frame message has " + std::to_string(parts.size()) + " parts, not 2");
      return false;
    }
    if (!h.compression.is_raw()) {
      reject("compressed frames are not supported by this netgear version yet");
      return false;
    }
    Received got;
    try {
      auto dtype = wire::validate_raw(h, parts[1].size());
      auto payload = std::make_shared<zmq::message_t>(std::move(parts[1]));
      got.frame = wire::raw_frame(h, dtype, payload->data(), payload);
    } catch (const wire::WireError& e) {
      reject(e.what());
      return false;
    }
    got.message = std::move(h.message);
    got.port = std::move(h.port);
    got.seq = h.seq;
    if (h.sent_ns)
      got.sent_at = std::chrono::system_clock::time_point(
          std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(*h.sent_ns)));
    got.received_at = std::chrono::system_clock::now();
    ++received;
    bytes += got.frame.byte_size();
    frames.push(std::move(got));
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
      socket.close();
    } catch (const std::exception& e) {
      log->error("receiver: close: {}", e.what());
    }
    log->info("receiver: closed after {} frames ({} dropped, {} bad)", received.load(), frames.dropped(), bad.load());
  }
};

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
  std::lock_guard lock(impl_->return_mutex);
  impl_->return_data = std::move(data);
}

void Receiver::close() noexcept {
  if (impl_) impl_->close();
}

bool Receiver::ended() const noexcept { return impl_ && impl_->end != EndReason::none; }
EndReason Receiver::end_reason() const noexcept { return impl_ ? impl_->end.load() : EndReason::closed; }
std::vector<std::string> Receiver::endpoints() const { return impl_ ? impl_->endpoints : std::vector<std::string>{}; }

ReceiverStats Receiver::stats() const {
  if (!impl_) return {};
  return {impl_->received, impl_->delivered, impl_->frames.dropped(), impl_->bad, impl_->bytes, impl_->frames.size()};
}

const Settings& Receiver::settings() const noexcept { return impl_->settings; }

}  // namespace netgear
