// Fuzz target: a relay reads every subscription a peer sends it as a viewer
// topic (wire/viewer_topic.hpp). decode_viewer_topic must never throw nor
// read past the input; a topic it accepts is at most max_viewer_topic bytes,
// has a 16-hex-digit id, and encodes back to the very same bytes (so the
// relay's envelope is exactly what the viewer subscribed to).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "wire/viewer_topic.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace netgear;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // As sent: the subscription's bytes after its first byte, with the prefix or without.
  for (const std::string& topic : {std::string(text), std::string(wire::viewer_topic_prefix) + std::string(text)}) {
    const auto viewer = wire::decode_viewer_topic(topic);
    if (!viewer) continue;
    fuzz::require(topic.size() <= wire::max_viewer_topic, "accepted a topic over max_viewer_topic");
    fuzz::require(viewer->id.size() == 16, "accepted an id that is not 16 digits");
    fuzz::require(wire::encode_viewer_topic(*viewer) == topic, "an accepted topic does not encode back to itself");
  }
  return 0;
}
