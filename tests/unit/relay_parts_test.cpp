// The relay's socket-free parts: the viewer topic a netgear receiver
// subscribes to (wire/viewer_topic.hpp) and the cache a joining viewer is
// served from (relay/frame_cache.hpp).
#include <gtest/gtest.h>

#include "relay/frame_cache.hpp"
#include "wire/viewer_topic.hpp"

namespace netgear {
namespace {

using wire::decode_viewer_topic;
using wire::encode_viewer_topic;
using wire::ViewerTopic;

const std::string kId = "0123456789abcdef";

TEST(ViewerTopic, RoundTripsIdCodecsAndPort) {
  const ViewerTopic viewer{.id = kId, .codecs = {"h264"}, .port = "5566"};
  const auto topic = encode_viewer_topic(viewer);
  EXPECT_EQ(topic.front(), '\0');  // no header starts with it
  const auto back = decode_viewer_topic(topic);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->id, kId);
  EXPECT_EQ(back->codecs, std::vector<std::string>{"h264"});
  EXPECT_EQ(back->port, "5566");
}

TEST(ViewerTopic, BareIdHasNoCodecsAndNoPort) {
  const auto back = decode_viewer_topic(encode_viewer_topic({.id = kId, .codecs = {}, .port = ""}));
  ASSERT_TRUE(back);
  EXPECT_TRUE(back->codecs.empty());
  EXPECT_TRUE(back->port.empty());
}

TEST(ViewerTopic, RefusesWhatIsNotOne) {
  const std::string prefix(wire::viewer_topic_prefix);
  for (const std::string& bad : {std::string(), std::string("netgear-viewer:") + kId, prefix,
                                 prefix + "0123456789ABCDEF",                 // upper case
                                 prefix + "0123456789abcde",                  // 15 digits
                                 prefix + kId + "0",                          // 17
                                 prefix + kId + ";",                          // empty field
                                 prefix + kId + ";h264;;",                    // empty field
                                 prefix + kId + ";port=",                     // empty label
                                 prefix + kId + ";port=1;port=2",             // two ports
                                 prefix + kId + ";port=1;h264",               // a codec after the port
                                 prefix + kId + ";h 264",                     // a space
                                 prefix + kId + ";h264\x01",                  // a control byte
                                 prefix + kId + ";" + std::string(300, 'a')})  // over max_viewer_topic
    EXPECT_FALSE(decode_viewer_topic(bad)) << bad;
}

TEST(ViewerTopic, FreshIdsAreWellFormedAndDiffer) {
  const auto a = wire::new_viewer_id(), b = wire::new_viewer_id();
  EXPECT_NE(a, b);
  EXPECT_TRUE(decode_viewer_topic(encode_viewer_topic({.id = a, .codecs = {}, .port = ""})));
}

relay::Packet packet(const std::string& label, const std::string& codec, bool keyframe, const std::string& body) {
  relay::Packet p;
  p.label = label;
  p.codec = codec;
  p.keyframe = keyframe;
  p.head = zmq::message_t(std::string("{}"));
  p.payload = zmq::message_t(body);
  return p;
}

// What each() offers a joining viewer, as "label:body,body" per stream.
std::vector<std::string> served(relay::FrameCache& cache) {
  std::vector<std::string> out;
  cache.each([&](const std::string& label, std::vector<relay::Packet>& packets, bool video) {
    std::string line = label + (video ? "[v]:" : ":");
    for (auto& p : packets) line += p.payload->to_string() + ",";
    out.push_back(line);
  });
  return out;
}

TEST(FrameCache, KeepsTheLatestStillImageOfEachStream) {
  relay::FrameCache cache(4);
  for (const auto* body : {"a", "b", "c"}) {
    auto p = packet("1", "", false, body);
    cache.add(p);
  }
  auto other = packet("2", "", false, "x");
  cache.add(other);
  EXPECT_EQ(served(cache), (std::vector<std::string>{"1:c,", "2:x,"}));
  cache.forget("1");
  EXPECT_EQ(served(cache), (std::vector<std::string>{"2:x,"}));
}

TEST(FrameCache, KeepsAVideoStreamFromItsLastKeyframe) {
  relay::FrameCache cache(4);
  for (auto [body, key] : {std::pair{"p0", false}, {"k1", true}, {"p1", false}, {"k2", true}, {"p2", false}}) {
    auto p = packet("", "h264", key, body);
    cache.add(p);
  }
  EXPECT_EQ(served(cache), (std::vector<std::string>{"[v]:k2,p2,"}));
  EXPECT_TRUE(cache.usable(""));
}

TEST(FrameCache, AVideoStreamWithoutAKeyframeHasNothingToServe) {
  relay::FrameCache cache(4);
  auto p = packet("", "h264", false, "p0");
  cache.add(p);
  EXPECT_FALSE(cache.usable(""));
  EXPECT_EQ(served(cache), (std::vector<std::string>{"[v]:"}));  // known as video: a viewer waits
}

TEST(FrameCache, MoreThanABacklogSinceTheKeyframeWaitsForTheNext) {
  relay::FrameCache cache(3);
  auto k = packet("", "h264", true, "k");
  cache.add(k);
  for (const auto* body : {"p1", "p2", "p3"}) {
    auto p = packet("", "h264", false, body);
    cache.add(p);
  }
  EXPECT_FALSE(cache.usable(""));  // k,p1,p2 fit; p3 would not
  auto k2 = packet("", "h264", true, "k2");
  cache.add(k2);
  EXPECT_EQ(served(cache), (std::vector<std::string>{"[v]:k2,"}));
}

TEST(FrameCache, ALostPacketMakesTheVideoStreamWaitForAKeyframe) {
  relay::FrameCache cache(8);
  auto k = packet("", "h264", true, "k");
  cache.add(k);
  cache.lost("");
  auto p = packet("", "h264", false, "p");
  cache.add(p);
  EXPECT_FALSE(cache.usable(""));
}

TEST(FrameCache, SharesThePayloadInsteadOfCopyingIt) {
  relay::FrameCache cache(2);
  auto p = packet("", "", false, std::string(1 << 16, 'z'));
  const void* bytes = p.payload->data();
  cache.add(p);
  cache.each([&](const std::string&, std::vector<relay::Packet>& packets, bool) {
    ASSERT_EQ(packets.size(), 1u);
    EXPECT_EQ(packets.front().payload->data(), bytes);
  });
}

}  // namespace
}  // namespace netgear
