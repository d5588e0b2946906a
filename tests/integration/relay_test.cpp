// The relay on real sockets: bytes forwarded untouched, a viewer that joins
// gets the latest frame at once, a stalled viewer misses frames (counted)
// while the others get them all, bounds on viewers and subscriptions, the
// end of a stream and the next one, netgear receivers dialing in, two tiers,
// secure mode on both faces, video from the cache, push to a binding
// receiver.
#include <gtest/gtest.h>

#include <thread>

#include <opencv2/imgproc.hpp>

#include "integration/relay_support.hpp"
#include "netgear/error.hpp"
#include "netgear/keys.hpp"
#include "video_codec/codecs.hpp"
#include "wire/header.hpp"

namespace netgear::test {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

Frame small(int seed) { return pattern_frame({24, 32, 3}, Dtype::uint8, seed); }

json header_of(const zmq::message_t& part) { return json::parse(part.to_string()); }

// A sender aimed at the relay's input.
Sender feed(const Relay& relay, Pattern pattern, Options options = {}) {
  auto s = sender_settings_for(relay.input_endpoints().front(), pattern);
  s.options = std::move(options);
  Sender sender(std::move(s));
  if (pattern == Pattern::pub_sub) {
    EXPECT_TRUE(sender.wait_for_receiver(10s));
  }
  return sender;
}

TEST(Relay, PassesHeaderAndPayloadBytesUntouched) {
  Relay relay(relay_config(Pattern::pair));
  RawViewer viewer(relay.viewer_endpoint());
  ASSERT_TRUE(has_viewers(relay, 1));
  zmq::socket_t peer(*transport::shared_context(), zmq::socket_type::pair);
  peer.set(zmq::sockopt::linger, 0);
  peer.connect(relay.input_endpoints().front());
  wire::FrameHeader h;
  h.dtype = "uint8";
  h.shape = wire::Shape{4, 5, 3};
  h.message = json{{"note", "untouched"}, {"n", 1.5}};
  const std::string head = wire::encode_header(h);
  std::string payload(60, '\0');
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(i * 7);
  peer.send(zmq::buffer(head), zmq::send_flags::sndmore);
  peer.send(zmq::buffer(payload));
  auto got = viewer.next();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].to_string(), head);
  EXPECT_EQ(got[1].to_string(), payload);
}

TEST(Relay, AViewerThatJoinsMidStreamGetsTheLatestFrameAtOnce) {
  Relay relay(relay_config(Pattern::req_rep));
  Sender sender = feed(relay, Pattern::req_rep);
  for (int i = 0; i < 5; ++i) send_reliably(sender, small(i), i);
  ASSERT_TRUE(eventually([&] { return !relay.stats().streams.empty() && relay.stats().streams[0].frames == 5; }));
  RawViewer viewer(relay.viewer_endpoint());
  auto first = viewer.next();
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(header_of(first[0])["message"], 4);  // before any new frame was sent
  send_reliably(sender, small(5), 5);
  auto second = viewer.next();
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(header_of(second[0])["message"], 5);
}

TEST(Relay, AStalledViewerMissesFramesWhileTheSenderAndTheOthersGoOn) {
  auto config = relay_config(Pattern::req_rep);
  config.viewer_backlog = 2;
  Relay relay(config);
  RawViewer stalled(relay.viewer_endpoint(), /*rcvhwm=*/1);  // never reads
  RawViewer reader(relay.viewer_endpoint());
  ASSERT_TRUE(has_viewers(relay, 2));
  constexpr int kFrames = 60;
  Sender sender = feed(relay, Pattern::req_rep);
  const Frame big = pattern_frame({256, 512, 3}, Dtype::uint8, 1);  // 384 KiB: kernel buffers fill at once
  // The reader takes each frame before the next is sent, so only the
  // stalled viewer can fall behind, whatever the machine's pace.
  for (int i = 0; i < kFrames; ++i) {
    ASSERT_EQ(sender.send(big, i).status, SendStatus::delivered) << i;
    auto got = reader.next();
    ASSERT_EQ(got.size(), 2u) << i;
    EXPECT_EQ(header_of(got[0])["message"], i);
  }
  const auto stats = relay.stats();
  ASSERT_EQ(stats.viewers.size(), 2u);
  for (const auto& v : stats.viewers) {
    EXPECT_EQ(v.frames + v.dropped, static_cast<std::uint64_t>(kFrames)) << v.id;
    if (v.id == stalled.id()) {
      EXPECT_GT(v.dropped, 0u);
      EXPECT_GT(v.lag_ms, 0.0);
    } else {
      EXPECT_EQ(v.dropped, 0u);
    }
  }
}

TEST(Relay, AViewerBeyondMaxViewersIsRefusedAndGetsNothing) {
  auto config = relay_config(Pattern::req_rep);
  config.max_viewers = 2;
  Relay relay(config);
  RawViewer a(relay.viewer_endpoint()), b(relay.viewer_endpoint());
  ASSERT_TRUE(has_viewers(relay, 2));
  RawViewer c(relay.viewer_endpoint());
  ASSERT_TRUE(eventually([&] { return relay.stats().viewers_refused == 1; }));
  Sender sender = feed(relay, Pattern::req_rep);
  send_reliably(sender, small(1), 1);
  EXPECT_EQ(a.next().size(), 2u);
  EXPECT_EQ(b.next().size(), 2u);
  EXPECT_TRUE(c.next(300ms).empty());
}

TEST(Relay, SubscriptionsThatAreNoViewerTopicServeNoOne) {
  Relay relay(relay_config(Pattern::req_rep));
  zmq::socket_t liar(*transport::shared_context(), zmq::socket_type::sub);
  liar.set(zmq::sockopt::linger, 0);
  liar.set(zmq::sockopt::subscribe, "");
  for (int i = 0; i < 500; ++i)
    liar.set(zmq::sockopt::subscribe, std::string(wire::viewer_topic_prefix) + "not-an-id-" + std::to_string(i));
  liar.connect(relay.viewer_endpoint());
  zmq::socket_t flooder(*transport::shared_context(), zmq::socket_type::sub);  // one topic over the limit
  flooder.set(zmq::sockopt::linger, 0);
  flooder.set(zmq::sockopt::subscribe, std::string(wire::viewer_topic_prefix) + std::string(4096, 'a'));
  flooder.connect(relay.viewer_endpoint());
  RawViewer honest(relay.viewer_endpoint());
  ASSERT_TRUE(has_viewers(relay, 1));
  Sender sender = feed(relay, Pattern::req_rep);
  send_reliably(sender, small(1), 1);
  EXPECT_EQ(honest.next().size(), 2u);
  zmq::message_t nothing;
  liar.set(zmq::sockopt::rcvtimeo, 300);
  EXPECT_FALSE(liar.recv(nothing));
  EXPECT_EQ(relay.stats().viewers.size(), 1u);
}

// REQ/REP: a PAIR input has one slot, which refuses the next sender until
// the first one's connection is torn down (docs/protocol.md §1), and a frame
// sent into that refusal times out: not what this test is about.
TEST(Relay, TheEndOfAStreamReachesTheViewersAndTheNextStreamFollows) {
  Relay relay(relay_config(Pattern::req_rep));
  RawViewer viewer(relay.viewer_endpoint());
  ASSERT_TRUE(has_viewers(relay, 1));
  {
    Sender first = feed(relay, Pattern::req_rep);
    send_reliably(first, small(1), 1);
    EXPECT_EQ(viewer.next().size(), 2u);
  }  // closed: its termination goes out
  auto end = viewer.next();
  ASSERT_EQ(end.size(), 1u);
  EXPECT_EQ(header_of(end[0])["terminate_flag"], true);
  EXPECT_TRUE(eventually([&] { return relay.stats().streams_ended == 1; }));
  Sender second = feed(relay, Pattern::req_rep);
  ASSERT_EQ(send_reliably(second, small(2), 2).status, SendStatus::delivered);
  auto next = viewer.next();
  ASSERT_EQ(next.size(), 2u);
  EXPECT_EQ(header_of(next[0])["message"], 2);
  EXPECT_FALSE(relay.ended());
}

TEST(Relay, WithOnceItEndsWithTheStream) {
  auto config = relay_config(Pattern::pair);
  config.once = true;
  Relay relay(config);
  { Sender sender = feed(relay, Pattern::pair); send_reliably(sender, small(1), 1); }
  EXPECT_TRUE(relay.wait(10s));
}

TEST(Relay, MisconfigurationIsNamed) {
  auto config = relay_config(Pattern::pair);
  config.viewer_backlog = 0;
  EXPECT_EQ(option_error_key([&] { Relay r(config); }), "viewer_backlog");
  config = relay_config(Pattern::pair);
  config.max_viewers = 0;
  EXPECT_EQ(option_error_key([&] { Relay r(config); }), "max_viewers");
  config = relay_config(Pattern::pair);
  config.viewers.port = PortSpec(std::vector<std::string>{"0", "0"});
  EXPECT_EQ(option_error_key([&] { Relay r(config); }), "port");
}

}  // namespace
}  // namespace netgear::test

namespace netgear::test {
namespace {

// A receiver that binds, as vidgear's do, and the relay pushing to it.
class RelayPush : public ::testing::TestWithParam<Pattern> {};

TEST_P(RelayPush, ABindingReceiverGetsEveryFrameAndTheEnd) {
  const Pattern pattern = GetParam();
  Receiver target(receiver_settings(Protocol::tcp, pattern));
  auto config = relay_config(Pattern::req_rep);
  config.push.push_back(sender_settings_for(target.endpoints().front(), pattern));
  Relay relay(config);
  {
    Sender sender = feed(relay, Pattern::req_rep);
    int sent = 0;
    if (pattern == Pattern::pub_sub) {  // frames before the subscription arrives go nowhere
      ASSERT_TRUE(eventually([&] {
        send_reliably(sender, small(sent), sent);
        ++sent;
        return target.stats().received > 0;
      }));
    }
    for (int i = 0; i < 5; ++i, ++sent) {
      send_reliably(sender, small(sent), sent);
      auto got = target.recv_for(10s);
      ASSERT_TRUE(got);
      EXPECT_TRUE(is_pattern_frame(got->frame, got->message.get<int>()));
      if (pattern != Pattern::pub_sub) {
        EXPECT_EQ(got->message, sent);
      }
    }
  }
  EXPECT_TRUE(eventually([&] { return target.end_reason() == EndReason::terminated; }));
  const auto stats = relay.stats();
  ASSERT_EQ(stats.push.size(), 1u);
  EXPECT_GE(stats.push[0].frames, 5u);
}

INSTANTIATE_TEST_SUITE_P(Patterns, RelayPush, ::testing::Values(Pattern::pair, Pattern::req_rep, Pattern::pub_sub));

}  // namespace
}  // namespace netgear::test

namespace netgear::test {
namespace {

// Video-coded streams through the relay (netgear senders with video_codec).
class RelayVideo : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!video_codec::available()) GTEST_SKIP() << "built without libavcodec";
  }

  static Options video_options() {
    Options o;
    o.set("video_codec", "h264");
    o.set("video_encoder", "libx264");
    return o;
  }

  static Frame picture(int i) {
    cv::Mat m(240, 320, CV_8UC3, cv::Scalar(40, 90, 160));
    cv::rectangle(m, cv::Rect(10 + i * 5, 60, 80, 80), cv::Scalar(200, 30, 90), cv::FILLED);
    return Frame(m);
  }

  static bool is_keyframe(const std::vector<zmq::message_t>& message) {
    return header_of(message.at(0))["compression"]["key"] == true;
  }
};

TEST_F(RelayVideo, AViewerThatJoinsMidStreamStartsAtTheLastKeyframe) {
  Relay relay(relay_config(Pattern::req_rep));
  Sender sender = feed(relay, Pattern::req_rep, video_options());
  for (int i = 0; i < 3; ++i) send_reliably(sender, picture(i), i);
  ASSERT_TRUE(eventually([&] { return !relay.stats().streams.empty() && relay.stats().streams[0].frames == 3; }));
  RawViewer viewer(relay.viewer_endpoint(), 1000, ";h264");
  // The offer (frame 0) was a still image; the video began at frame 1, a keyframe.
  auto first = viewer.next();
  ASSERT_EQ(first.size(), 2u);
  EXPECT_TRUE(is_keyframe(first));
  EXPECT_EQ(header_of(first[0])["message"], 1);
  auto second = viewer.next();
  ASSERT_EQ(second.size(), 2u);
  EXPECT_FALSE(is_keyframe(second));
  EXPECT_EQ(header_of(second[0])["message"], 2);
}

TEST_F(RelayVideo, AViewerThatJoinsPastTheCacheGetsTheKeyframeTheRelayAsksFor) {
  auto config = relay_config(Pattern::req_rep);
  config.viewer_backlog = 2;  // the cache holds a keyframe and one packet at most
  Relay relay(config);
  Sender sender = feed(relay, Pattern::req_rep, video_options());
  for (int i = 0; i < 6; ++i) send_reliably(sender, picture(i), i);
  // The relay has taken them all (its thread may lag the replies): 2 past the cache.
  ASSERT_TRUE(eventually([&] { return !relay.stats().streams.empty() && relay.stats().streams[0].frames == 6; }));
  RawViewer viewer(relay.viewer_endpoint(), 1000, ";h264");
  ASSERT_TRUE(has_viewers(relay, 1));
  for (int i = 6; i < 9; ++i) send_reliably(sender, picture(i), i);  // 6 carries the request back, 7 answers it
  auto first = viewer.next();
  ASSERT_EQ(first.size(), 2u);
  EXPECT_TRUE(is_keyframe(first));
  EXPECT_EQ(header_of(first[0])["message"], 7);
  EXPECT_EQ(sender.stats().keyframes, 2u);  // the first, and the one asked for
}

TEST_F(RelayVideo, AViewerThatDoesNotDecodeTheCodecGetsNoneOfItAndItIsCounted) {
  Relay relay(relay_config(Pattern::req_rep));
  RawViewer viewer(relay.viewer_endpoint());  // no codecs in its topic
  ASSERT_TRUE(has_viewers(relay, 1));
  Sender sender = feed(relay, Pattern::req_rep, video_options());
  for (int i = 0; i < 4; ++i) send_reliably(sender, picture(i), i);
  auto still = viewer.next();  // the offer is a still image anyone can show
  ASSERT_EQ(still.size(), 2u);
  EXPECT_EQ(header_of(still[0])["message"], 0);
  EXPECT_TRUE(viewer.next(300ms).empty());
  EXPECT_TRUE(eventually([&] { return relay.stats().viewers.at(0).dropped == 3; }));
}

}  // namespace
}  // namespace netgear::test

namespace netgear::test {
namespace {

// netgear receivers as viewers: they dial the relay (receiver_dials).
Receiver viewer_of(const Relay& relay, Options options = {}) {
  return Receiver(viewer_settings(relay.viewer_endpoint(), std::move(options)));
}

TEST(RelayViewers, NetgearReceiversDialInAndGetEveryFrameAndTheEnd) {
  Relay relay(relay_config(Pattern::req_rep));
  std::vector<Receiver> viewers;
  for (int i = 0; i < 3; ++i) viewers.push_back(viewer_of(relay));
  ASSERT_TRUE(has_viewers(relay, 3));
  {
    Sender sender = feed(relay, Pattern::req_rep);
    for (int i = 0; i < 10; ++i) {
      send_reliably(sender, small(i), i);
      for (auto& v : viewers) {  // in step, so no viewer falls behind its backlog
        auto got = v.recv_for(10s);
        ASSERT_TRUE(got);
        EXPECT_EQ(got->message, i);
        EXPECT_TRUE(is_pattern_frame(got->frame, i));
      }
    }
  }
  for (auto& v : viewers) {
    EXPECT_FALSE(v.recv_for(10s));
    EXPECT_EQ(v.end_reason(), EndReason::terminated);
  }
}

TEST(RelayViewers, AViewerThatLeavesIsForgottenAndOneThatComesBackIsServedAgain) {
  Relay relay(relay_config(Pattern::req_rep));
  Receiver stays = viewer_of(relay);
  std::optional<Receiver> leaves(viewer_of(relay));
  ASSERT_TRUE(has_viewers(relay, 2));
  Sender sender = feed(relay, Pattern::req_rep);
  send_reliably(sender, small(1), 1);
  ASSERT_TRUE(leaves->recv_for(10s));
  leaves.reset();
  ASSERT_TRUE(has_viewers(relay, 1));
  Receiver back = viewer_of(relay);
  auto latest = back.recv_for(10s);  // the latest frame, at once
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->message, 1);
  send_reliably(sender, small(2), 2);
  auto next = back.recv_for(10s);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->message, 2);
  EXPECT_EQ(relay.stats().viewers_joined, 3u);
}

TEST(RelayViewers, AMultiServerViewerGetsTheLabelsAndItsFilterIsAppliedByTheRelay) {
  auto config = relay_config(Pattern::req_rep);
  config.input.port = PortSpec(std::vector<std::string>{"0", "0"});
  config.input.options.set("multiserver_mode", true);
  Relay relay(config);
  const auto inputs = relay.input_endpoints();
  ASSERT_EQ(inputs.size(), 2u);
  Options every, one;
  every.set("multiserver_mode", true);
  one.set("multiserver_mode", true);
  one.set("filter", port_of(inputs[1]));
  Receiver all = viewer_of(relay, every), filtered = viewer_of(relay, one);
  ASSERT_TRUE(has_viewers(relay, 2));
  std::vector<Sender> senders;
  for (const auto& input : inputs) {
    Options o;
    o.set("multiserver_mode", true);
    auto s = sender_settings_for(input, Pattern::req_rep);
    s.options = o;
    senders.emplace_back(s);
  }
  for (int i = 0; i < 2; ++i) send_reliably(senders[i], small(i), i);
  for (int i = 0; i < 2; ++i) {
    auto got = all.recv_for(10s);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->port, json(port_of(inputs[got->message.get<int>()])));
  }
  auto only = filtered.recv_for(10s);
  ASSERT_TRUE(only);
  EXPECT_EQ(only->message, 1);
  EXPECT_FALSE(filtered.recv_for(300ms));
  EXPECT_EQ(filtered.stats().filtered, 0u);  // the relay never sent it the other stream
}

// camera -> tier 1 -> tier 2 -> viewer; tier 2's input dials tier 1's viewer face.
RelayConfig tier2_of(const Relay& tier1) {
  auto config = relay_config(Pattern::pub_sub);
  config.input = viewer_settings(tier1.viewer_endpoint());
  return config;
}

TEST(RelayTree, TwoTiersCarryTheFramesAndTheEndOfTheStream) {
  Relay tier1(relay_config(Pattern::req_rep));
  Relay tier2(tier2_of(tier1));
  ASSERT_TRUE(has_viewers(tier1, 1));
  Receiver viewer = viewer_of(tier2);
  ASSERT_TRUE(has_viewers(tier2, 1));
  {
    Sender camera = feed(tier1, Pattern::req_rep);
    for (int i = 0; i < 5; ++i) {
      send_reliably(camera, small(i), i);
      auto got = viewer.recv_for(10s);
      ASSERT_TRUE(got);
      EXPECT_EQ(got->message, i);
      EXPECT_TRUE(is_pattern_frame(got->frame, i));
    }
  }
  EXPECT_FALSE(viewer.recv_for(10s));
  EXPECT_EQ(viewer.end_reason(), EndReason::terminated);
  EXPECT_TRUE(eventually([&] { return tier2.stats().streams_ended == 1; }));
  EXPECT_FALSE(tier2.ended());  // waits for the next stream
}

TEST(RelayTree, ATierThatRestartsIsRejoinedWithoutRestartingTheOthers) {
  auto config1 = relay_config(Pattern::pub_sub);
  std::optional<Relay> tier1(std::in_place, config1);
  const auto input = tier1->input_endpoints().front(), face = tier1->viewer_endpoint();
  Relay tier2(tier2_of(*tier1));
  Receiver viewer = viewer_of(tier2);
  ASSERT_TRUE(has_viewers(*tier1, 1));
  ASSERT_TRUE(has_viewers(tier2, 1));
  Sender camera = feed(*tier1, Pattern::pub_sub);
  auto frames_through = [&](int from) {
    return eventually([&] {
      send_reliably(camera, small(from), from);
      auto got = viewer.recv_for(100ms);
      return got && got->message.get<int>() >= from;
    });
  };
  ASSERT_TRUE(frames_through(1));
  tier1.reset();  // gone, as with kill -9: no end of stream
  config1.input.port = PortSpec(port_of(input));
  config1.viewers.port = PortSpec(port_of(face));
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!tier1) {  // in one process, ZeroMQ frees the closed relay's ports asynchronously
    try {
      tier1.emplace(config1);
    } catch (const SetupError&) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline);
      std::this_thread::sleep_for(10ms);
    }
  }
  EXPECT_TRUE(frames_through(1000));  // the camera, tier 2 and the viewer found it again
  EXPECT_EQ(viewer.end_reason(), EndReason::none);
}

// Secure mode on both faces: the relay is the CURVE server of its input
// and of its viewer face; senders and viewers are clients.
class RelaySecure : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!zmq_has("curve")) GTEST_SKIP() << "this libzmq has no CURVE";
    KeyStore::at(dir.str()).generate();
  }
  Options secure(int mode) const {
    Options o;
    o.set("secure_mode", mode);
    o.set("custom_cert_location", dir.str());
    return o;
  }
  TempDir dir;
};

TEST_F(RelaySecure, BothFacesSecureCarryTheStreamAndAPlainViewerGetsNothing) {
  Relay relay(relay_config(Pattern::req_rep, secure(2), secure(2)));
  Receiver viewer = viewer_of(relay, secure(2));
  ASSERT_TRUE(has_viewers(relay, 1));
  RawViewer plain(relay.viewer_endpoint());  // no CURVE: its handshake fails, it never subscribes
  Sender sender = feed(relay, Pattern::req_rep, secure(2));
  send_reliably(sender, small(3), 3);
  auto got = viewer.recv_for(10s);
  ASSERT_TRUE(got);
  EXPECT_TRUE(is_pattern_frame(got->frame, 3));
  EXPECT_TRUE(plain.next(300ms).empty());
  EXPECT_EQ(relay.stats().viewers.size(), 1u);
}

TEST_F(RelaySecure, APlainSenderGetsNothingIntoASecureRelay) {
  Relay relay(relay_config(Pattern::pair, secure(1), secure(1)));
  Receiver viewer = viewer_of(relay, secure(1));
  ASSERT_TRUE(has_viewers(relay, 1));
  auto s = sender_settings_for(relay.input_endpoints().front(), Pattern::pair);
  s.options.request_timeout = 300ms;
  s.options.set("max_retries", 1);
  Sender plain(s);
  EXPECT_THROW(plain.send(small(1)), PeerLostError);
  EXPECT_TRUE(relay.stats().streams.empty());
}

}  // namespace
}  // namespace netgear::test
