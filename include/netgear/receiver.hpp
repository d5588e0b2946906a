#pragma once
/// \file
/// Receiver: the receiving side of a stream (vidgear's "Client", receive_mode=True).
///
/// A Receiver binds its endpoint (or, with `receiver_dials`, connects to a
/// sender or relay that listens) and owns one I/O thread that reads the
/// socket, replies to the sender (patterns 0/1), decodes frames and queues
/// them for recv(). The queue is bounded; what happens when it is full is the
/// overflow policy. Frames already queued are delivered before end of stream.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "netgear/frame.hpp"
#include "netgear/options.hpp"

// The public API: exported from libnetgear.so (symbols are hidden by default).
#pragma GCC visibility push(default)
namespace netgear {

class Receiver;
namespace detail {
class FrameTap;
Receiver make_tapped_receiver(Settings settings, FrameTap& tap);  // a relay's input (internal)
}  // namespace detail

/// One delivered frame and what came with it.
struct Received {
  Frame frame;
  nlohmann::json message;  ///< the sender's message; null if none
  nlohmann::json port;     ///< multi-server: the sender's port label; null otherwise
  /// Sequence number stamped by a netgear sender (vidgear senders have none).
  std::optional<std::uint64_t> seq;
  /// When a netgear sender sent it (its system clock).
  std::optional<std::chrono::system_clock::time_point> sent_at;
  /// When the I/O thread finished reading it (this system clock).
  std::chrono::system_clock::time_point received_at;
};

/// Why a receiver's stream ended.
enum class EndReason {
  none,         ///< not ended
  terminated,   ///< the sender(s) sent the termination message
  timed_out,    ///< nothing arrived for receive_timeout
  closed,       ///< close() was called
  failed,       ///< the I/O thread hit an unrecoverable socket error (logged)
  /// every sender disconnected without a termination and none came back
  /// within sender_gone_timeout (a vanished sender; see Options)
  senders_gone,
};

/// "none", "terminated", "timed_out", "closed", "failed", "senders_gone".
std::string_view to_string(EndReason reason) noexcept;

/// Counters of a Receiver.
struct ReceiverStats {
  std::uint64_t received = 0;   ///< valid frames read from the socket
  std::uint64_t delivered = 0;  ///< frames returned by recv()
  std::uint64_t dropped = 0;    ///< frames discarded by the overflow policy
  std::uint64_t bad = 0;        ///< malformed messages dropped (logged)
  std::uint64_t bytes = 0;      ///< payload bytes of valid frames as on the wire (compressed: the JPEG's size)
  std::size_t queued = 0;       ///< frames waiting for recv() now
  std::size_t queued_bytes = 0; ///< bytes those frames hold (pixels as recv() returns them; see queue_max_bytes)
  std::uint64_t filtered = 0;   ///< multi-server PUB/SUB: frames from senders `filter` excludes
  /// Video (video_codec on the sender): packets skipped while their stream
  /// waited for a keyframe — it joined mid-stream, or a packet was lost or
  /// undecodable (that one counts as bad). None is ever shown damaged.
  std::uint64_t skipped = 0;
  /// Secure mode: client handshakes refused (wrong server key, a client key
  /// IronHouse does not admit, an address not allowed, a plain client). A
  /// refused client retries, so this counts attempts, not clients.
  std::uint64_t rejected = 0;
  /// tcp/ipc: peers connected now (senders, and peers that have sent nothing).
  std::size_t peers = 0;
  /// PAIR: times a peer was reported for holding the socket without sending
  /// while another peer tried to connect (see docs/protocol.md, "PAIR").
  std::uint64_t idle_peer_warnings = 0;
};

/// The receiving side of a stream. Move-only; the destructor calls close().
///
/// Thread-safety: recv() from one thread at a time; stats(), ended() and
/// close() from any thread. close() wakes a blocked recv(), which then
/// returns nullopt. A moved-from Receiver throws ModeError from recv(),
/// recv_for(), set_return_data() and settings(); its other methods do nothing.
class Receiver {
 public:
  /// Validates the settings, binds and starts the I/O thread. Throws
  /// OptionError for invalid settings, SetupError if binding fails.
  explicit Receiver(Settings settings);
  ~Receiver();
  Receiver(Receiver&&) noexcept;
  Receiver& operator=(Receiver&&) noexcept;
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  /// The next frame, waiting as long as the stream lasts. nullopt once the
  /// stream has ended (termination, receive_timeout, senders gone, close()) and every
  /// queued frame has been delivered.
  [[nodiscard]] std::optional<Received> recv();

  /// Like recv() but waits at most `wait`; nullopt also when the wait passes
  /// (then ended() tells the two apart: a caller that sees nullopt and then
  /// ended() has missed no frame).
  [[nodiscard]] std::optional<Received> recv_for(std::chrono::milliseconds wait);

  /// Bidirectional mode: data attached to the reply to every following
  /// frame until replaced (vidgear's recv(return_data)). The sender gets it
  /// from send(): SendResult::reply. Throws OptionError("return_data") when
  /// `data` nests deeper than max_json_depth (json_limits.hpp). Thread-safe.
  void set_return_data(nlohmann::json data);
  /// Bidirectional mode: a frame returned with every following reply, JPEG
  /// compressed when this receiver's jpeg_compression is on (SendResult::
  /// reply_frame). vidgear 0.1.x senders cannot take one: they get null.
  void set_return_data(Frame frame);

  /// Stops the I/O thread and closes the socket (linger 0); queued frames are
  /// discarded. Returns promptly from any state; idempotent; never throws.
  void close() noexcept;

  /// True once nothing more will come out of recv(): the stream has ended
  /// and every queued frame was delivered (or close() discarded them). True
  /// on a moved-from Receiver.
  [[nodiscard]] bool ended() const noexcept;
  /// Why the stream ended, as soon as it has, even while frames are still
  /// queued for recv(); EndReason::none until then.
  [[nodiscard]] EndReason end_reason() const noexcept;
  /// Bound endpoints with wildcard ports resolved ("tcp://127.0.0.1:41234");
  /// with `receiver_dials`, the endpoints it dials.
  [[nodiscard]] std::vector<std::string> endpoints() const;
  [[nodiscard]] ReceiverStats stats() const;
  /// The validated settings. Throws ModeError on a moved-from Receiver.
  [[nodiscard]] const Settings& settings() const;

 private:
  friend Receiver detail::make_tapped_receiver(Settings settings, detail::FrameTap& tap);
  struct Impl;
  explicit Receiver(std::unique_ptr<Impl> impl);
  Impl& impl(const char* what) const;  // throws ModeError naming `what` when moved-from
  std::unique_ptr<Impl> impl_;
};

}  // namespace netgear
#pragma GCC visibility pop
