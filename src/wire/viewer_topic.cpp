#include "wire/viewer_topic.hpp"

#include <random>

namespace netgear::wire {
namespace {

constexpr std::size_t id_length = 16;
constexpr std::string_view port_field = "port=";

bool is_hex_id(std::string_view id) {
  if (id.size() != id_length) return false;
  for (const char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// A codec name or label: printable ASCII without the separator.
bool is_field(std::string_view text) {
  if (text.empty()) return false;
  for (const unsigned char c : text)
    if (c <= 0x20 || c >= 0x7f || c == ';') return false;
  return true;
}

}  // namespace

std::string encode_viewer_topic(const ViewerTopic& viewer) {
  std::string topic(viewer_topic_prefix);
  topic += viewer.id;
  for (const auto& codec : viewer.codecs) topic += ";" + codec;
  if (!viewer.port.empty()) topic += ";" + std::string(port_field) + viewer.port;
  return topic;
}

std::optional<ViewerTopic> decode_viewer_topic(std::string_view topic) {
  if (topic.size() > max_viewer_topic || topic.substr(0, viewer_topic_prefix.size()) != viewer_topic_prefix)
    return std::nullopt;
  topic.remove_prefix(viewer_topic_prefix.size());
  ViewerTopic viewer;
  viewer.id = std::string(topic.substr(0, topic.find(';')));
  if (!is_hex_id(viewer.id)) return std::nullopt;
  topic.remove_prefix(viewer.id.size());
  while (!topic.empty()) {
    topic.remove_prefix(1);  // the ';'
    const auto field = topic.substr(0, topic.find(';'));
    topic.remove_prefix(field.size());
    if (!viewer.port.empty()) return std::nullopt;  // the port comes last, once: one way to write a topic
    if (field.substr(0, port_field.size()) == port_field) {
      viewer.port = std::string(field.substr(port_field.size()));
      if (!is_field(viewer.port)) return std::nullopt;
    } else {
      if (!is_field(field)) return std::nullopt;
      viewer.codecs.emplace_back(field);
    }
  }
  return viewer;
}

std::string new_viewer_id() {
  static constexpr char digits[] = "0123456789abcdef";
  std::random_device random;
  std::string id;
  for (std::size_t i = 0; i < id_length; ++i) id += digits[random() % 16];
  return id;
}

}  // namespace netgear::wire
