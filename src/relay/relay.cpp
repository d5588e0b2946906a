// The Relay: a tapped receiver (the input; receiver/frame_tap.hpp) feeds,
// over an inproc pipe, the relay's one thread, which owns the viewer face,
// the cache for viewers that join, and hands frames to the push targets.
// This file holds that thread and the input's restarts between streams.
#include "netgear/relay.hpp"

#include <atomic>
#include <condition_variable>

#include "log.hpp"
#include "netgear/error.hpp"
#include "netgear/receiver.hpp"
#include "relay/frame_cache.hpp"
#include "relay/input_tap.hpp"
#include "relay/push_target.hpp"
#include "relay/stream_book.hpp"
#include "relay/viewer_face.hpp"
#include "security/secure_setup.hpp"
#include "transport/context.hpp"
#include "transport/sockets.hpp"
#include "wire/header.hpp"

namespace netgear {

using relay::Clock;

namespace {

// How long a viewer may take to find room for the end of a stream.
constexpr auto kEndGrace = std::chrono::seconds(2);
// How long close() gives the push targets to send what they hold.
constexpr auto kPushDrain = std::chrono::milliseconds(1500);
// How long a restarted input may wait for its port.
constexpr auto kRebindFor = std::chrono::seconds(5);
// Packets read from the input per turn, before the viewers' subscriptions are read again.
constexpr int kBatch = 64;

RelayConfig checked(RelayConfig c) {
  if (c.max_viewers < 1) throw OptionError("max_viewers", "must be at least 1");
  if (c.viewer_backlog < 1) throw OptionError("viewer_backlog", "must be at least 1");
  c.viewers.pattern = Pattern::pub_sub;
  if (c.viewers.port.values.size() > 1) throw OptionError("port", "the viewer face binds one port");
  if (c.viewers.port.values.empty()) c.viewers.port = PortSpec("5556");
  return c;
}

std::string viewer_endpoint_of(const Settings& v) {
  const auto port = v.port.values.front();
  return transport::make_endpoint(v.protocol, v.address.value_or("*"), port);
}

std::string inbox_name() {
  static std::atomic<std::uint64_t> next{0};
  return "inproc://netgear-relay-" + std::to_string(next++);
}

// The same input again, on the ports it resolved (a wildcard port stays put).
Settings next_input(Settings s, const std::vector<std::string>& endpoints) {
  std::vector<std::string> ports;
  for (const auto& e : endpoints) ports.push_back(e.substr(e.rfind(':') + 1));
  if (ports.size() == s.port.values.size()) s.port.values = ports;
  return s;
}

}  // namespace

struct Relay::Impl {
  const RelayConfig config;
  const std::shared_ptr<spdlog::logger> log = detail::make_logger(config.input.logging || config.viewers.logging);
  const std::shared_ptr<zmq::context_t> ctx = transport::shared_context();
  std::optional<security::ServerGuard> viewer_guard;  // secure viewer face: keys and policy
  const std::string inbox_endpoint = inbox_name();
  zmq::socket_t inbox = relay::InputTap::open_inbox(*ctx, inbox_endpoint);
  relay::InputTap tap{*ctx, inbox_endpoint};
  relay::ViewerFace face;
  relay::FrameCache cache{static_cast<std::size_t>(config.viewer_backlog)};
  relay::StreamBook streams;
  std::vector<std::unique_ptr<relay::PushTarget>> pushes;
  std::map<std::string, std::uint64_t> last_seq;  // relay thread: per stream, to see a gap

  mutable std::mutex input_mutex;  // `input` is replaced by the relay thread, read by stats()
  std::optional<Receiver> input;
  std::vector<std::string> input_endpoints;
  std::uint64_t bad_before = 0;  // bad messages of inputs replaced

  std::atomic<std::uint64_t> streams_ended{0};
  transport::Waker waker;
  std::mutex end_mutex;
  std::condition_variable end_cv;
  std::atomic<bool> ended{false};
  std::thread thread;

  explicit Impl(RelayConfig c)
      : config(checked(std::move(c))),
        viewer_guard(secure_viewers() ? std::make_optional<security::ServerGuard>(config.viewers.options, ctx, log)
                                      : std::nullopt),
        face(*ctx, viewer_endpoint_of(config.viewers), config, viewer_guard ? viewer_guard->curve() : transport::Curve{},
             *log) {
    for (const auto& target : config.push) pushes.push_back(std::make_unique<relay::PushTarget>(target, *log));
    open_input(config.input);
    log->info("relay: input {} ({}), viewers at {}", input_endpoints.front(), to_string(config.input.pattern),
              face.endpoint());
    thread = std::thread([this] { run(); });
  }

  [[nodiscard]] bool secure_viewers() const { return config.viewers.options.secure_mode != SecureMode::grasslands; }

  void open_input(const Settings& s) {
    Receiver fresh = detail::make_tapped_receiver(s, tap);
    std::lock_guard lock(input_mutex);
    if (input) bad_before += input->stats().bad;
    input.emplace(std::move(fresh));
    input_endpoints = input->endpoints();
  }

  void finish() {
    ended = true;
    std::lock_guard lock(end_mutex);
    end_cv.notify_all();
  }

  void run() {
    try {
      for (;;) {
        const auto wait = face.ends_pending() ? std::chrono::milliseconds(20) : std::chrono::milliseconds(250);
        if (transport::wait_for(face.socket(), ZMQ_POLLIN, &waker, Clock::now() + wait, &inbox) ==
            transport::WaitResult::woken)
          return;
        auto now = Clock::now();
        face.read_subscriptions(cache, now, [this](const std::string& label) { tap.want_keyframe(label); });
        for (int i = 0; i < kBatch; ++i) {
          auto in = relay::InputTap::read(inbox);
          if (!in) break;
          if (!take(*in)) return finish();
        }
        face.retry_ends(Clock::now());
        if (!watch_input()) return finish();
      }
    } catch (const std::exception& e) {
      log->error("relay: stopped: {}", e.what());
      finish();
    }
  }

  // One packet from the input; false when the relay is to end.
  bool take(relay::Inbound& in) {
    auto& packet = in.packet;
    const auto now = packet.arrived;
    streams.count(in);
    if (packet.termination()) return end_stream(packet, in.note.ends);
    if (packet.video() && lost_one(in)) {
      cache.lost(packet.label);
      tap.want_keyframe(packet.label);
    }
    cache.add(packet);
    if (face.send_frame(packet, now)) tap.want_keyframe(packet.label);
    for (auto& push : pushes) push->offer(packet);
    return true;
  }

  // Whether a packet of this video stream went missing before this one.
  bool lost_one(const relay::Inbound& in) {
    bool gap = in.note.lost_before > 0;
    if (in.note.has_seq) {
      auto [it, fresh] = last_seq.try_emplace(in.packet.label, in.note.seq);
      if (!fresh && in.note.seq != it->second + 1) gap = true;
      it->second = in.note.seq;
    }
    return gap;
  }

  // A stream's end goes down to every viewer (and, when the input's stream
  // ends, to the push targets); then the input waits for the next stream.
  bool end_stream(relay::Packet& packet, bool input_ends) {
    face.send_end(packet, packet.arrived + kEndGrace);
    cache.forget(packet.label);
    streams.forget(packet.label);
    last_seq.erase(packet.label);
    ++streams_ended;
    log->info("relay: stream '{}' ended; forwarded to the viewers", packet.label);
    if (!input_ends) return true;
    for (auto& push : pushes) push->offer(packet);
    return !config.once;  // the input goes on with the next stream (frame_tap.hpp)
  }

  // After an input that ended without a termination: a fresh one.
  bool restart_input() {
    if (config.once) return false;
    Settings next;
    {
      std::lock_guard lock(input_mutex);
      next = next_input(input->settings(), input_endpoints);
    }
    {
      // Closed first: the tap's pipe is used by one I/O thread at a time.
      std::lock_guard lock(input_mutex);
      bad_before += input->stats().bad;
      input->close();
    }
    Receiver fresh = reopen(next);
    std::lock_guard lock(input_mutex);
    input.emplace(std::move(fresh));
    input_endpoints = input->endpoints();
    return true;
  }

  // ZeroMQ releases a closed listener asynchronously: its port may be taken
  // for a moment, so binding it again is retried for up to kRebindFor (or
  // until close()).
  Receiver reopen(const Settings& next) {
    const auto deadline = Clock::now() + kRebindFor;
    for (;;) {
      try {
        return detail::make_tapped_receiver(next, tap);
      } catch (const SetupError&) {
        if (Clock::now() >= deadline) throw;
        if (transport::wait_for(inbox, 0, &waker, Clock::now() + std::chrono::milliseconds(20)) ==
            transport::WaitResult::woken)
          throw;
      }
    }
  }

  // An input that ended (a tapped receiver outlives terminations: it was
  // silent, or its senders vanished, or it failed): its streams end for the
  // viewers too. False: the relay ends.
  bool watch_input() {
    EndReason reason;
    {
      std::lock_guard lock(input_mutex);
      if (!input->ended()) return true;
      reason = input->end_reason();
    }
    log->warn("relay: the input ended ({}); ending its streams for the viewers", to_string(reason));
    for (const auto& label : streams.labels()) {
      relay::Packet end;
      end.label = label;
      end.arrived = Clock::now();
      const auto text = wire::encode_termination({config.input.options.multiserver_mode ? nlohmann::json(label)
                                                                                         : nlohmann::json()});
      end.head = zmq::message_t(text.data(), text.size());
      face.send_end(end, end.arrived + kEndGrace);
      cache.forget(label);
      streams.forget(label);
      last_seq.erase(label);
      ++streams_ended;
    }
    relay::Packet end;  // the input's end, for the push targets
    for (auto& push : pushes) push->offer(end);
    if (reason == EndReason::failed) return false;
    return restart_input();
  }

  RelayStats stats() const {
    RelayStats s;
    s.streams = streams.stats();
    s.viewers = face.stats(Clock::now());
    s.viewers_joined = face.joined();
    s.viewers_refused = face.refused();
    s.streams_ended = streams_ended;
    for (const auto& push : pushes) s.push.push_back(push->stats());
    std::lock_guard lock(input_mutex);
    s.bad = bad_before + (input ? input->stats().bad : 0);
    return s;
  }

  void close() noexcept {
    waker.signal();
    if (thread.joinable()) thread.join();
    for (auto& push : pushes) push->drain(kPushDrain);  // an end of stream just handed over goes out
    for (auto& push : pushes) push->close();
    std::lock_guard lock(input_mutex);
    if (input) input->close();
    finish();
  }
};

Relay::Relay(RelayConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}
Relay::~Relay() { close(); }

void Relay::close() noexcept {
  if (impl_) impl_->close();
}

bool Relay::wait(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->end_mutex);
  return impl_->end_cv.wait_for(lock, timeout, [&] { return impl_->ended.load(); });
}

bool Relay::ended() const noexcept { return impl_->ended; }

std::vector<std::string> Relay::input_endpoints() const {
  std::lock_guard lock(impl_->input_mutex);
  return impl_->input_endpoints;
}

std::string Relay::viewer_endpoint() const { return impl_->face.endpoint(); }
RelayStats Relay::stats() const { return impl_->stats(); }

}  // namespace netgear
