#pragma once
/// \file
/// Relay: one camera, many viewers. A Relay takes streams in the way a
/// Receiver does (any pattern, vidgear senders unchanged, binding or dialing
/// out to a relay above it) and serves them to any number of viewers that
/// dial in: netgear receivers with pattern 2 and `receiver_dials`. It can
/// also push the stream to listed receivers that bind (vidgear's).
///
/// Frames pass through untouched: the header and payload bytes a sender sent
/// are the bytes a viewer gets, so a viewer costs a send, not a decode.
///
/// Guarantees (docs/relay.md):
/// - A viewer that cannot keep up misses frames; it never slows the input or
///   the other viewers. Its backlog is at most `viewer_backlog` messages
///   (plus what the kernel buffers); every frame it misses is counted.
/// - A viewer that joins gets the latest frame of every stream at once (for
///   a video-coded stream: the packets since its last keyframe, when they fit
///   its backlog; else it waits for the next keyframe, and a relay fed by
///   pattern 0/1 asks its sender for one).
/// - The end of a stream (the termination) goes to every viewer and push
///   target; the relay then waits for the next stream (unless `once`).
///
/// Thread-safe: stats() and close() may be called from any thread.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "netgear/options.hpp"

#pragma GCC visibility push(default)
namespace netgear {

/// Where and how a Relay works.
struct RelayConfig {
  /// The input: a receiver's settings (pattern, address, ports, options such
  /// as multiserver_mode, secure_mode, receiver_dials to dial a relay above).
  Settings input;
  /// The viewer face, which binds: address (default "*"), one port ("0" for
  /// any free one), protocol, and options: secure_mode with its key store
  /// (the relay is the CURVE server there). The pattern is PUB/SUB.
  Settings viewers;
  /// Receivers that bind, to push every still-image frame to (vidgear's
  /// receivers): each its own sender settings (pattern, address, port,
  /// options). Video-coded frames are not pushed (vidgear cannot decode them).
  std::vector<Settings> push;
  /// Most viewers served at once; one more is refused (logged, counted).
  std::size_t max_viewers = 256;
  /// Messages queued for one viewer before it misses frames (its ZeroMQ
  /// send high-water mark; the relay's memory per stuck viewer is about
  /// this many frames).
  int viewer_backlog = 8;
  /// End after the first end of stream instead of waiting for the next.
  bool once = false;
};

/// Counters of one input stream (one sender; one per port label in
/// multi-server mode).
struct RelayStreamStats {
  std::string label;            ///< the port label ("" unless multi-server)
  std::uint64_t frames = 0;     ///< frames taken in
  std::uint64_t bytes = 0;      ///< payload bytes taken in
  std::uint64_t dropped = 0;    ///< frames the relay could not take in time (its own backlog was full)
  /// How old the newest frame was on arrival (its sender's clock against
  /// this one; netgear senders only), in ms.
  std::optional<double> lag_ms;
  bool video = false;           ///< it carries video packets
};

/// Counters of one viewer.
struct RelayViewerStats {
  std::string id;               ///< the viewer's id (16 hex digits)
  std::uint64_t frames = 0;     ///< frames sent to it
  std::uint64_t bytes = 0;      ///< payload bytes sent to it
  std::uint64_t dropped = 0;    ///< frames it missed: its backlog was full, or it waited for a keyframe
  /// How far it is behind: the time since it was last sent a frame, while
  /// newer frames came in (0 for a viewer that keeps up), in ms.
  double lag_ms = 0;
  double connected_s = 0;       ///< seconds since it joined
};

/// Counters of one push target.
struct RelayPushStats {
  std::string endpoint;
  std::uint64_t frames = 0;   ///< frames it took
  std::uint64_t dropped = 0;  ///< frames replaced by a newer one before it took them, or not sendable
};

struct RelayStats {
  std::vector<RelayStreamStats> streams;
  std::vector<RelayViewerStats> viewers;
  std::vector<RelayPushStats> push;
  std::uint64_t viewers_joined = 0;   ///< joins since start (a rejoin counts again)
  std::uint64_t viewers_refused = 0;  ///< joins refused: max_viewers reached
  std::uint64_t streams_ended = 0;    ///< terminations forwarded
  std::uint64_t bad = 0;              ///< malformed input messages dropped
};

class Relay {
 public:
  /// Binds the input (or dials it) and the viewer face and starts. Throws
  /// OptionError or SetupError naming what is wrong.
  explicit Relay(RelayConfig config);
  ~Relay();  ///< close()
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  /// Stops: no more termination is sent (viewers keep waiting; a restarted
  /// relay is rejoined). Idempotent.
  void close() noexcept;

  /// Waits until the relay has ended (`once` and a stream ended, or its input
  /// failed) or `timeout` passes; true if it has ended.
  bool wait(std::chrono::milliseconds timeout);
  [[nodiscard]] bool ended() const noexcept;

  /// The input's endpoints (bound, wildcard ports resolved; or dialed).
  [[nodiscard]] std::vector<std::string> input_endpoints() const;
  /// The viewer face's bound endpoint, the port resolved.
  [[nodiscard]] std::string viewer_endpoint() const;
  [[nodiscard]] RelayStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace netgear
#pragma GCC visibility pop
