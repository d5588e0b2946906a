#pragma once
// How a netgear receiver tells a relay it is a viewer, with PUB/SUB's only
// upstream message, the subscription: beside vidgear's "" it subscribes to
//
//   "\0netgear-viewer:" <16 hex digits: its id> [";" <codec>]... [";port=" <label>]
//
// (a NUL first, which no header starts with, so no plain publisher ever
// sends it anything). The relay's XPUB runs in manual mode: it applies no
// subscription as sent, but subscribes each viewer's connection to that
// viewer's own topic, and sends it every message as three parts: the topic
// itself (the envelope), then the header and payload as received. That one
// pipe per viewer is what lets the relay count each viewer's misses and keep
// a slow viewer from holding the others back. The receiver drops the
// envelope when it is its own topic.
//
// The codecs say which video codecs the viewer decodes; the port label,
// which multi-server stream alone it wants (its `filter`).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netgear::wire {

/// "\0netgear-viewer:" — the viewer topic's prefix.
inline constexpr std::string_view viewer_topic_prefix{"\0netgear-viewer:", 16};
/// Longest viewer topic a relay reads (a longer subscription is ignored).
inline constexpr std::size_t max_viewer_topic = 256;

struct ViewerTopic {
  std::string id;                   ///< 16 lowercase hex digits
  std::vector<std::string> codecs;  ///< video codecs it decodes ("h264")
  std::string port;                 ///< multi-server label it wants; "" = every stream
};

/// The topic for `viewer` (its id must be 16 hex digits).
std::string encode_viewer_topic(const ViewerTopic& viewer);

/// Reads a subscription's topic; nullopt when it is not a well-formed viewer
/// topic of at most max_viewer_topic bytes.
std::optional<ViewerTopic> decode_viewer_topic(std::string_view topic);

/// A fresh random viewer id.
std::string new_viewer_id();

}  // namespace netgear::wire
