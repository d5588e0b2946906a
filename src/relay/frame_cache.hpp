#pragma once
// What a viewer that joins now needs to show every stream at once: the
// latest frame of a still-image stream; for a video-coded stream, the
// packets since its last keyframe (a decoder needs them all), as long as
// they fit a viewer's backlog. Past that, the stream has no usable entry
// until its next keyframe (a joining viewer then waits for it).
//
// Bounded: at most `max_packets` per stream, and streams only as many as the
// input's roster admits. Used by the relay's thread only.

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "relay/packet.hpp"

namespace netgear::relay {

class FrameCache {
 public:
  explicit FrameCache(std::size_t max_packets) : max_packets_(max_packets < 1 ? 1 : max_packets) {}

  /// Keeps (a share of) a frame packet of its stream.
  void add(Packet& packet);
  /// A packet of `label` was lost before the relay (its video stream can't
  /// be decoded until the next keyframe).
  void lost(const std::string& label);
  /// The stream ended.
  void forget(const std::string& label) { streams_.erase(label); }

  /// Whether a joining viewer can start stream `label` from the cache.
  [[nodiscard]] bool usable(const std::string& label) const;
  /// Calls `visit` with each stream's label and the packets a joining viewer
  /// needs, oldest first, and whether it is video (empty: it must wait for
  /// a keyframe).
  void each(const std::function<void(const std::string&, std::vector<Packet>&, bool video)>& visit);

 private:
  struct Stream {
    std::vector<Packet> packets;  // a still image, or a keyframe and what followed it
    bool video = false;
  };
  const std::size_t max_packets_;
  std::map<std::string, Stream> streams_;
};

}  // namespace netgear::relay
