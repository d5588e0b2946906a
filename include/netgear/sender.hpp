#pragma once
/// \file
/// Sender: the sending side of a stream (vidgear's "Server", receive_mode=False).
///
/// A Sender connects to the receiver's endpoint (the receiver binds, as in
/// vidgear) and sends one two-part message per frame: a JSON header and the
/// payload. With patterns 0/1 each send() waits for the receiver's reply;
/// with PUB/SUB it does not.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "netgear/frame.hpp"
#include "netgear/options.hpp"

// The public API: exported from libnetgear.so (symbols are hidden by default).
#pragma GCC visibility push(default)
namespace netgear {

/// What became of one send().
enum class SendStatus {
  delivered,    ///< the receiver replied (patterns 0/1)
  queued,       ///< handed to ZeroMQ, no reply expected (PUB/SUB)
  dropped,      ///< PUB/SUB: the receiver is not keeping up; the frame was not sent
  would_block,  ///< flag=1 (DONTWAIT) and the socket could not take the frame now
  timed_out,    ///< no reply within request_timeout; the socket was reset, the frame may be lost
  interrupted,  ///< close() was called while send() waited; the frame may not have arrived
};

/// Result of Sender::send().
struct SendResult {
  SendStatus status = SendStatus::queued;
  /// The receiver's reply: its text for a plain reply, or the data it returned
  /// in bidirectional mode (vidgear's send() return value). Null when there
  /// was no reply.
  nlohmann::json reply;
  /// A frame the receiver returned (bidirectional mode, vidgear >= 0.3 form).
  std::optional<Frame> reply_frame;
  /// Multi-client mode: the port of the receiver that replied.
  nlohmann::json reply_port;
};

/// Counters of a Sender, for statistics.
struct SenderStats {
  std::uint64_t frames_sent = 0;     ///< frames handed to ZeroMQ
  std::uint64_t bytes_sent = 0;      ///< payload bytes handed to ZeroMQ
  std::uint64_t replies = 0;         ///< replies received
  std::uint64_t dropped = 0;         ///< PUB/SUB frames not sent because the receiver lagged
  std::uint64_t timeouts = 0;        ///< replies that did not come in time
  std::uint64_t receivers = 0;       ///< PUB/SUB: receivers subscribed, as of the last send()
  /// video_codec: the FFmpeg encoder in use ("libx264"); "" before the first video packet.
  std::string video_encoder;
  std::uint64_t keyframes = 0;       ///< video_codec: keyframes sent
  /// video_codec on PUB/SUB: subscribers seen that cannot decode the codec
  /// (vidgear receivers); each is also logged as an error.
  std::uint64_t incapable_receivers = 0;
};

/// The sending side of a stream. Move-only; the destructor calls close().
///
/// Thread-safety: send() from one thread at a time. close() and the
/// destructor may be called from any thread, also while send() waits; the
/// waiting send() then returns promptly. A moved-from Sender throws
/// ModeError from send() and settings(); its other methods do nothing.
class Sender {
 public:
  /// Validates the settings and connects. Throws OptionError for invalid
  /// settings and SetupError if the endpoint cannot be connected.
  explicit Sender(Settings settings);
  ~Sender();
  Sender(Sender&&) noexcept;
  Sender& operator=(Sender&&) noexcept;
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;

  /// Sends a frame (and an optional JSON message) and, for patterns 0/1, waits
  /// up to request_timeout for the receiver's reply.
  /// Throws FrameError for an empty or unsupported frame, ModeError after
  /// close(), PeerLostError when max_retries replies in a row did not come,
  /// OptionError("message") when `message` nests deeper than max_json_depth
  /// (json_limits.hpp). A reply nested deeper than that is not parsed: it is
  /// returned as its text, like any reply that is not JSON.
  [[nodiscard]] SendResult send(const Frame& frame, const nlohmann::json& message = nullptr);

  /// wait_for_receiver()'s count meaning "one per endpoint": every
  /// receiver of a multi-client sender, else one.
  static constexpr std::size_t every_receiver = 0;

  /// PUB/SUB: waits until `count` receivers have subscribed (frames sent
  /// before that reach nobody — ZeroMQ's "slow joiner"); by default one per
  /// endpoint, so a multi-client sender waits for all of its receivers.
  /// Returns false if `timeout` passed or close() was called first. Patterns
  /// 0/1 queue frames until the receiver connects, so this returns true at
  /// once for them.
  bool wait_for_receiver(std::chrono::milliseconds timeout, std::size_t count = every_receiver);

  /// Ends the stream, within one deadline of min(request_timeout, 1 s) from
  /// the call in every state (track=true, encode_threads > 1, no receiver):
  /// frames queued for the encode workers go out first; then a send() or
  /// wait_for_receiver() waiting in another thread returns (`interrupted`,
  /// false); then the termination message is sent (pattern 1: its reply is
  /// read for up to request_timeout / 5; PUB/SUB: netgear receivers
  /// acknowledge it) with what is left of the deadline, and the socket is
  /// closed. Not to a receiver given up as lost. With force_terminate (or
  /// bidirectional_mode, as vidgear) the deadline is 100 ms and the
  /// termination is offered once, without waiting; a receiver that does not
  /// get it ends after its receive_timeout. Idempotent (a second call waits
  /// for the first); never throws.
  void close() noexcept;
  /// close() at once (vidgear's close(kill=True)): frames still queued for
  /// the encode workers are dropped and the termination is offered once
  /// without waiting for its reply, as with force_terminate (deadline
  /// 100 ms). A receiver that does not get it ends after its
  /// receive_timeout. Idempotent with close(); never throws.
  void kill() noexcept;

  /// Pattern 1: the receiver's acknowledgement of the termination message,
  /// once close() has returned; nullopt if none came (or another pattern).
  [[nodiscard]] std::optional<std::string> termination_reply() const;

  /// The endpoints this sender connects to; with `receiver_dials`, those it
  /// binds, wildcard ports resolved.
  [[nodiscard]] std::vector<std::string> endpoints() const;
  [[nodiscard]] SenderStats stats() const;
  /// The validated settings. Throws ModeError on a moved-from Sender.
  [[nodiscard]] const Settings& settings() const;

 private:
  struct Impl;
  Impl& impl(const char* what) const;  // throws ModeError naming `what` when moved-from
  std::unique_ptr<Impl> impl_;
};

}  // namespace netgear
#pragma GCC visibility pop
