#pragma once
// PUB/SUB has no replies, so a netgear receiver tells a publisher which
// video codecs it decodes the only way a subscriber can speak: a second
// subscription, to a topic no message ever starts with (a NUL byte, where
// every header starts with '{'), beside vidgear's "" that receives them all.
// A subscriber without it (vidgear, or netgear built without libavcodec)
// cannot decode video.

#include <string>
#include <string_view>

namespace netgear::wire {

/// "\0netgear-video:" — the capability topic's prefix.
inline constexpr std::string_view video_topic_prefix{"\0netgear-video:", 15};

/// The topic that says "I decode `codec`".
inline std::string video_topic(std::string_view codec) {
  std::string topic(video_topic_prefix);
  topic += codec;
  return topic;
}

}  // namespace netgear::wire
