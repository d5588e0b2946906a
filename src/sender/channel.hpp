#pragma once
// A channel carries encoded frames to the receiver(s) the way one family of
// patterns does, behind one small interface, so the Sender picks a channel
// once at construction and never branches on the pattern per call:
//
// - LockstepChannel (PAIR, REQ/REP): send, wait for the reply, reset the
//   socket when it does not come (Lazy Pirate), give up after max_retries;
//   the termination is acknowledged by a reply (REQ/REP).
// - PublishChannel (XPUB): counts subscribers, drops a frame a lagging
//   receiver cannot take; the termination is acknowledged by unsubscribing.
//
// Not thread-safe: the Sender calls one channel method at a time (its I/O
// lock). Every wait also ends when the Sender's waker is signalled (close()).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>
#include <zmq.hpp>

#include "frame_codec.hpp"
#include "netgear/options.hpp"
#include "netgear/sender.hpp"
#include "sender/sender_socket.hpp"
#include "transport/frame_message.hpp"
#include "transport/waker.hpp"
#include "wire/reply.hpp"

namespace netgear::detail {

using Clock = std::chrono::steady_clock;

/// A SendResult that carries only its status.
inline SendResult outcome(SendStatus status) {
  SendResult result;
  result.status = status;
  return result;
}

/// What the channels tell the video path (sender/video_path.hpp), when the
/// sender codes video: a receiver joined or needs a keyframe; a PUB/SUB
/// subscriber that cannot decode the codec was seen.
struct VideoSignals {
  std::string codec;                        ///< "h264"
  std::atomic<bool> keyframe_wanted{false};
  std::atomic<std::uint64_t> incapable{0};  ///< PUB/SUB subscribers without the codec
};

/// One encoded frame, ready for the wire.
struct Outgoing {
  std::string_view header;   ///< the JSON header (first part)
  zmq::message_t& payload;   ///< the payload (second part); moved into ZeroMQ
  /// track=true: ZeroMQ still reads the frame's own buffer; the send waits
  /// (until request_timeout, or close()) for it to let go.
  transport::ReleaseTracker* tracker = nullptr;
  /// Set by a lockstep channel from the reply: a netgear receiver's answer
  /// to a video offer or packet.
  std::optional<wire::VideoAnswer> answer = std::nullopt;
};

/// The counters every channel keeps (SenderStats).
struct ChannelCounters {
  std::atomic<std::uint64_t> frames_sent{0}, bytes_sent{0}, replies{0}, dropped{0}, timeouts{0};
};

/// What a channel is built from. The references outlive the channel.
struct ChannelSetup {
  const Settings& settings;
  std::vector<std::string> endpoints;
  transport::Curve curve;                 ///< secure mode: the client keys
  const Decoding& decoding;               ///< for frames returned in replies
  std::string termination;                ///< the termination message
  const transport::Waker& waker;          ///< signalled by close()
  spdlog::logger& log;
  ChannelCounters& counters;
  VideoSignals* video = nullptr;          ///< video_codec on; else null
};

class Channel {
 public:
  explicit Channel(ChannelSetup setup, transport::SenderTuning tuning);
  virtual ~Channel() = default;
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  /// Sends one frame. Returns how it went (see SendStatus); `interrupted`
  /// when the waker ends a wait. Throws PeerLostError when the lockstep
  /// channel gives the receiver up.
  virtual SendResult transmit(Outgoing& out) = 0;

  /// Waits until `count` receivers are there (PUB/SUB subscribers; patterns
  /// 0/1 queue frames until a receiver connects, so: true at once). False at
  /// the deadline or the waker.
  virtual bool wait_for_receivers(Clock::time_point deadline, std::size_t count) = 0;

  /// Sends the termination message and waits for its acknowledgement as the
  /// family does, returning by `deadline`. `force`: offered once, no wait.
  virtual void terminate(Clock::time_point deadline, bool force) = 0;

  /// PUB/SUB: receivers subscribed now.
  [[nodiscard]] virtual std::uint64_t receivers() const { return 0; }
  /// REQ/REP: the receiver's acknowledgement of the termination, once sent.
  [[nodiscard]] virtual std::optional<std::string> termination_reply() const { return std::nullopt; }

  /// Closes the socket; ZeroMQ may push queued messages for `linger`.
  void close(std::chrono::milliseconds linger) noexcept { socket_.close(linger); }
  [[nodiscard]] const std::vector<std::string>& endpoints() const { return socket_.endpoints(); }

 protected:
  /// Offers the header and hands the payload over, counting it; false (and
  /// nothing sent) when the socket cannot take the frame now.
  bool hand_over(Outgoing& out);
  /// track=true: waits for ZeroMQ to release the frame's buffer. False when
  /// the waker ended the wait.
  bool await_release(const Outgoing& out, Clock::time_point deadline);
  /// Offers the termination once, without waiting; false if it did not fit.
  bool offer_termination();
  /// Waits for `events` on the socket until `deadline` or the waker.
  transport::WaitResult wait(short events, Clock::time_point deadline);

  ChannelSetup setup_;
  const Options& options_;
  std::shared_ptr<zmq::context_t> ctx_;  // outlives the socket
  SenderSocket socket_;
};

/// The channel for the settings' pattern.
std::unique_ptr<Channel> make_channel(ChannelSetup setup);

}  // namespace netgear::detail
