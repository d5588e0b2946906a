#pragma once
// The relay's face to its viewers: one bound XPUB in manual mode (see
// wire/viewer_topic.hpp). A netgear receiver that dials in subscribes to its
// viewer topic; the face subscribes that connection to that topic alone and
// sends it each message as [topic, header, payload]. So every viewer has its
// own ZeroMQ pipe with its own high-water mark: a viewer whose pipe is full
// makes that one send fail (XPUB_NODROP), which is counted as its miss,
// while the others' sends go on. A subscriber without a viewer topic is
// served nothing.
//
// Video-coded streams: a viewer that misses a packet, or joins when the
// cache has no keyframe, gets nothing of that stream until its next
// keyframe (what it would get could not be decoded); a viewer that does not
// decode the codec gets none of it (counted as missed).
//
// Bounded: at most max_viewers viewers (one more is refused and counted),
// messages from a viewer of at most 4 KiB (a longer one drops its
// connection; viewer topics over wire::max_viewer_topic are ignored),
// `backlog` messages queued per viewer. Used by the relay's thread; stats() from any thread.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>
#include <zmq.hpp>

#include "log_limit.hpp"
#include "netgear/options.hpp"
#include "netgear/relay.hpp"
#include "relay/frame_cache.hpp"
#include "relay/packet.hpp"
#include "transport/sockets.hpp"
#include "wire/viewer_topic.hpp"

namespace netgear::relay {

class ViewerFace {
 public:
  /// Binds `endpoint`. Throws SetupError naming it.
  ViewerFace(zmq::context_t& ctx, const std::string& endpoint, const RelayConfig& config, const transport::Curve& curve,
             spdlog::logger& log);

  zmq::socket_t& socket() { return socket_; }
  [[nodiscard]] const std::string& endpoint() const { return endpoint_; }

  /// Called with a video stream's label when a viewer begins to wait for
  /// a keyframe of it; called before the viewer shows in stats().
  using KeyframeWanted = std::function<void(const std::string& label)>;

  /// Reads every pending (un)subscription: viewers join and leave. A viewer
  /// that joins is sent `cache` at once.
  void read_subscriptions(FrameCache& cache, Clock::time_point now, const KeyframeWanted& keyframe_wanted);

  /// Sends a frame packet to every viewer that wants it. Returns whether a
  /// viewer began to wait for a keyframe of its stream (it missed a packet).
  bool send_frame(Packet& packet, Clock::time_point now);

  /// Sends a termination to every viewer; one that cannot take it now is
  /// retried by retry_ends() until `give_up`.
  void send_end(Packet& packet, Clock::time_point give_up);
  void retry_ends(Clock::time_point now);
  [[nodiscard]] bool ends_pending() const { return !pending_ends_.empty(); }

  [[nodiscard]] std::vector<RelayViewerStats> stats(Clock::time_point now) const;
  [[nodiscard]] std::uint64_t joined() const;
  [[nodiscard]] std::uint64_t refused() const;

 private:
  struct Viewer {
    wire::ViewerTopic info;
    int pipes = 1;  // connections with this topic (a reconnect overlaps the old one for a moment)
    std::uint64_t frames = 0, bytes = 0, dropped = 0;
    Clock::time_point joined{}, last_sent{};
    bool behind = false;             // it missed a frame since last_sent
    std::set<std::string> waiting;   // video streams it waits on a keyframe of
  };
  struct PendingEnd {
    std::string topic;
    Packet packet;
    Clock::time_point give_up;
  };

  void join(const std::string& topic, wire::ViewerTopic info, FrameCache& cache, Clock::time_point now,
            const KeyframeWanted& keyframe_wanted);
  void leave(const std::string& topic);
  /// One packet to one viewer: true if the socket took it.
  bool offer(const std::string& topic, Packet& packet);
  /// A frame to one viewer by the rules above; true when it began to wait for a keyframe.
  bool deliver(const std::string& topic, Viewer& viewer, Packet& packet, Clock::time_point now);

  const RelayConfig& config_;
  spdlog::logger& log_;
  zmq::socket_t socket_;
  std::string endpoint_;
  mutable std::mutex mutex_;  // viewers_ and the counters, for stats()
  std::map<std::string, Viewer> viewers_;  // by topic; at most config_.max_viewers
  std::uint64_t joined_ = 0, refused_ = 0;
  std::vector<PendingEnd> pending_ends_;  // at most one per viewer and stream
  detail::LogLimiter refused_log_{3, std::chrono::seconds(10)};
  detail::LogLimiter incapable_log_{3, std::chrono::seconds(10)};
};

}  // namespace netgear::relay
