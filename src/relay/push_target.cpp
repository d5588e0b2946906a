#include "relay/push_target.hpp"

#include "netgear/error.hpp"
#include "security/secure_setup.hpp"
#include "transport/sockets.hpp"
#include "wire/header.hpp"

namespace netgear::relay {
namespace {

Settings validated(Settings settings) {
  settings.validate(Role::sender);
  return settings;
}

// How long the end of a stream may take to reach a push target.
constexpr auto kEndWait = std::chrono::seconds(1);

}  // namespace

PushTarget::PushTarget(Settings settings, spdlog::logger& log)
    : settings_(validated(std::move(settings))), log_(log), decoding_(detail::decoding_for(settings_.options)) {
  channel_ = open_channel();
  endpoint_ = channel_->endpoints().front();
  thread_ = std::thread([this] { run(); });
}

std::unique_ptr<detail::Channel> PushTarget::open_channel() {
  const auto address = settings_.effective_address(Role::sender);
  return detail::make_channel({
      .settings = settings_,
      .endpoints = {transport::make_endpoint(settings_.protocol, address, settings_.effective_ports().front())},
      .curve = settings_.options.secure_mode == SecureMode::grasslands ? transport::Curve{}
                                                                       : security::client_keys(settings_.options, log_),
      .decoding = decoding_,
      .termination = wire::encode_termination({}),
      .waker = waker_,
      .log = log_,
      .counters = counters_,
  });
}

void PushTarget::offer(Packet& packet) {
  std::lock_guard lock(mutex_);
  if (packet.termination()) {
    end_ = true;
  } else if (packet.video()) {
    ++dropped_;
    return;
  } else {
    if (frame_) ++dropped_;  // replaced before it was taken
    frame_ = packet.share();
  }
  ready_.notify_one();
}

void PushTarget::run() {
  for (;;) {
    std::optional<Packet> frame;
    bool end = false;
    {
      std::unique_lock lock(mutex_);
      busy_ = false;
      idle_.notify_all();
      ready_.wait(lock, [&] { return stop_ || end_ || frame_; });
      if (stop_) return;
      busy_ = true;
      frame.swap(frame_);
      end = end_ && !frame;  // a frame queued before the end goes first
      if (end) end_ = false;
    }
    try {
      if (end) {
        channel_->terminate(Clock::now() + kEndWait, false);
        channel_ = open_channel();  // a fresh socket for the next stream
        continue;
      }
      detail::Outgoing out{.header = frame->head.to_string_view(), .payload = *frame->payload};
      channel_->transmit(out);
    } catch (const PeerLostError& e) {
      log_.warn("relay: push to {}: {}; trying again with the next frame", endpoint_, e.what());
      channel_ = open_channel();
    } catch (const std::exception& e) {
      log_.error("relay: push to {} stopped: {}", endpoint_, e.what());
      return;
    }
  }
}

RelayPushStats PushTarget::stats() const {
  std::lock_guard lock(mutex_);
  return {.endpoint = endpoint_, .frames = counters_.frames_sent.load(), .dropped = dropped_ + counters_.dropped.load()};
}

void PushTarget::drain(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  idle_.wait_for(lock, timeout, [&] { return stop_ || (!busy_ && !frame_ && !end_); });
}

void PushTarget::close() noexcept {
  {
    std::lock_guard lock(mutex_);
    if (stop_) return;
    stop_ = true;
  }
  ready_.notify_one();
  waker_.signal();
  if (thread_.joinable()) thread_.join();
  channel_->close(std::chrono::milliseconds(0));
}

}  // namespace netgear::relay
