#include "relay/frame_cache.hpp"

namespace netgear::relay {

void FrameCache::add(Packet& packet) {
  auto& stream = streams_[packet.label];
  stream.video = packet.video();
  if (!packet.video() || packet.keyframe) {
    stream.packets.clear();
  } else if (stream.packets.empty() || stream.packets.size() >= max_packets_) {
    stream.packets.clear();  // no keyframe to start from, or more than a viewer's backlog since it
    return;
  }
  stream.packets.push_back(packet.share());
}

void FrameCache::lost(const std::string& label) {
  if (auto it = streams_.find(label); it != streams_.end() && it->second.video) it->second.packets.clear();
}

bool FrameCache::usable(const std::string& label) const {
  const auto it = streams_.find(label);
  return it != streams_.end() && !it->second.packets.empty();
}

void FrameCache::each(const std::function<void(const std::string&, std::vector<Packet>&, bool video)>& visit) {
  for (auto& [label, stream] : streams_) visit(label, stream.packets, stream.video);
}

}  // namespace netgear::relay
