// Video coding (video_codec=h264) end to end on real sockets and libx264:
// the offer and its acceptance, order and end of stream, a keyframe for a
// receiver that joins, no damaged picture after a lost packet, a clear
// failure where the receiver cannot decode video (vidgear), and one decoder
// per sender in multi-server mode.
#include <gtest/gtest.h>

#include <optional>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "integration/stream_support.hpp"
#include "netgear/error.hpp"
#include "video_codec/codecs.hpp"
#include "video_codec/encoder.hpp"
#include "wire/header.hpp"
#include "wire/reply.hpp"
#include "wire/video_topic.hpp"

namespace netgear::test {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

// Frame `i` of a smooth moving scene, with its number in it.
cv::Mat scene(int i, int w = 320, int h = 240) {
  cv::Mat m(h, w, CV_8UC3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      m.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<uchar>(x * 255 / w), static_cast<uchar>(y * 255 / h), 120);
  cv::rectangle(m, cv::Rect((i * 6) % (w / 2), h / 3, w / 4, h / 4), {30, 200, 90}, cv::FILLED);
  cv::putText(m, std::to_string(i), {10, h - 20}, cv::FONT_HERSHEY_SIMPLEX, 1.0, {255, 255, 255}, 2);
  return m;
}

video_codec::EncoderParams x264() {
  video_codec::EncoderParams p;
  p.encoders = {"libx264"};
  return p;
}

// Sends one video packet (frame `i`, sequence number `i`) from a raw peer
// and returns the receiver's reply.
zmq::message_t send_packet(zmq::socket_t& peer, const std::vector<unsigned char>& bytes, bool key, int i,
                           int width = 320) {
  wire::FrameHeader h;
  h.compression.kind = wire::Compression::Kind::video;
  h.compression.codec = "h264";
  h.compression.keyframe = key;
  h.compression.width = width;
  h.compression.height = 240;
  h.dtype = "uint8";
  h.shape = wire::Shape{bytes.size()};
  h.message = i;
  h.seq = i;
  peer.send(zmq::buffer(wire::encode_header(h)), zmq::send_flags::sndmore);
  peer.send(zmq::buffer(bytes));
  zmq::message_t reply;
  EXPECT_TRUE(peer.recv(reply));
  return reply;
}

Options h264() {
  Options o;
  o.video_codec = "h264";
  o.video_encoder = {"libx264"};
  return o;
}

#define SKIP_WITHOUT_CODECS() \
  if (!video_codec::available()) GTEST_SKIP() << "built without libavcodec (NETGEAR_VIDEO_CODEC=OFF)"

class Video : public ::testing::TestWithParam<Pattern> {};

TEST_P(Video, FramesArriveInOrderDecodedAndTheStreamEnds) {
  SKIP_WITHOUT_CODECS();
  Options keep_all;
  keep_all.queue_size = 64;  // every frame is sent before one is read
  Link link(Protocol::tcp, GetParam(), keep_all, h264());
  constexpr int kFrames = 40;
  for (int i = 0; i < kFrames; ++i) send_reliably(link.sender, Frame(scene(i)), i);
  link.sender.close();
  int expected = 0;
  while (auto got = link.receiver.recv_for(10s)) {
    ASSERT_EQ(got->message, expected) << "out of order";
    ASSERT_EQ(got->frame.shape(), (std::vector<std::size_t>{240, 320, 3}));
    EXPECT_GT(cv::PSNR(got->frame.mat(), scene(expected)), 32.0) << "frame " << expected;
    ++expected;
  }
  EXPECT_EQ(expected, kFrames);
  EXPECT_EQ(link.receiver.end_reason(), EndReason::terminated);
  const auto stats = link.sender.stats();
  EXPECT_EQ(stats.video_encoder, "libx264");
  EXPECT_GE(stats.keyframes, 1u);
  EXPECT_EQ(link.receiver.stats().skipped, 0u);
  EXPECT_EQ(link.receiver.stats().bad, 0u);
}

INSTANTIATE_TEST_SUITE_P(Patterns, Video, ::testing::Values(Pattern::pair, Pattern::req_rep, Pattern::pub_sub),
                         [](const ::testing::TestParamInfo<Pattern>& p) {
                           return p.param == Pattern::pair ? "Pair" : p.param == Pattern::req_rep ? "ReqRep" : "PubSub";
                         });

// A raw PAIR socket bound where a receiver would be, and an h264 sender to it.
struct RawReceiverPeer {
  zmq::context_t ctx;
  zmq::socket_t peer{ctx, zmq::socket_type::pair};
  std::optional<Sender> sender;

  explicit RawReceiverPeer(Options options = h264()) {
    peer.set(zmq::sockopt::linger, 0);
    peer.bind("tcp://127.0.0.1:*");
    auto s = sender_settings_for(peer.get(zmq::sockopt::last_endpoint), Pattern::pair);
    s.options = std::move(options);
    sender.emplace(std::move(s));
  }
};

// The first frame offers the codec as a JPEG still; video follows once
// accepted.
TEST(VideoOffer, TheFirstFrameIsAStillThatOffersTheCodec) {
  SKIP_WITHOUT_CODECS();
  Options o = h264();
  o.request_timeout = 5s;
  RawReceiverPeer raw(o);
  auto& peer = raw.peer;
  auto& sender = *raw.sender;
  std::thread receiver_side([&] {
    std::vector<zmq::message_t> parts;
    for (int i = 0; i < 3; ++i) {
      parts.clear();
      (void)zmq::recv_multipart(peer, std::back_inserter(parts));
      const auto h = std::get<wire::FrameHeader>(wire::decode_header(parts.at(0).to_string_view()));
      if (i == 0) {
        EXPECT_EQ(h.compression.kind, wire::Compression::Kind::jpeg);
        EXPECT_EQ(h.video_offer, "h264");
      } else {
        EXPECT_EQ(h.compression.kind, wire::Compression::Kind::video);
        EXPECT_EQ(h.compression.keyframe, i == 1);
        EXPECT_EQ(h.compression.width, 320);
        EXPECT_EQ(h.video_offer, "");
      }
      std::string reply = wire::encode_data_reply("ok", nullptr);
      wire::append_video_answer(reply, {.accept = "h264", .keyframe = false});
      peer.send(zmq::buffer(reply));
    }
  });
  for (int i = 0; i < 3; ++i) EXPECT_EQ(sender.send(Frame(scene(i))).status, SendStatus::delivered);
  receiver_side.join();
}

// A receiver that answers as vidgear does (plain text) never gets a video
// packet.
TEST(VideoOffer, AReceiverThatDoesNotAcceptTheCodecFailsSendClearly) {
  SKIP_WITHOUT_CODECS();
  RawReceiverPeer raw;
  auto& peer = raw.peer;
  auto& sender = *raw.sender;
  std::thread vidgear_like([&] {
    std::vector<zmq::message_t> parts;
    (void)zmq::recv_multipart(peer, std::back_inserter(parts));
    const auto h = std::get<wire::FrameHeader>(wire::decode_header(parts.at(0).to_string_view()));
    EXPECT_EQ(h.compression.kind,
              wire::Compression::Kind::jpeg);  // a still vidgear shows
    peer.send(zmq::str_buffer("Data received on device: ABCD1234 !"));
  });
  const auto what = error_text<ModeError>([&] { (void)sender.send(Frame(scene(0))); });
  vidgear_like.join();
  EXPECT_NE(what.find("does not decode h264"), std::string::npos) << what;
  EXPECT_NE(what.find("vidgear"), std::string::npos) << what;
  // It stays refused: no video packet ever goes out.
  EXPECT_NE(error_text<ModeError>([&] { (void)sender.send(Frame(scene(1))); }), "");
  zmq::message_t nothing;
  EXPECT_FALSE(peer.recv(nothing, zmq::recv_flags::dontwait));
}

// A receiver replaced mid-stream by one that answers as vidgear does: send() says so.
TEST(VideoOffer, AReceiverThatStopsAcceptingFailsSendClearly) {
  SKIP_WITHOUT_CODECS();
  RawReceiverPeer raw;
  auto& peer = raw.peer;
  auto& sender = *raw.sender;
  std::thread receiver_side([&] {
    std::vector<zmq::message_t> parts;
    for (int i = 0; i < 3; ++i) {
      parts.clear();
      (void)zmq::recv_multipart(peer, std::back_inserter(parts));
      std::string reply = wire::encode_data_reply("ok", nullptr);
      if (i < 2) wire::append_video_answer(reply, {.accept = "h264", .keyframe = false});
      else reply = "Data received on device: ABCD1234 !";  // frame 2: the receiver is vidgear now
      peer.send(zmq::buffer(reply));
    }
  });
  EXPECT_EQ(sender.send(Frame(scene(0))).status, SendStatus::delivered);  // the offer
  EXPECT_EQ(sender.send(Frame(scene(1))).status, SendStatus::delivered);  // video
  const auto what = error_text<ModeError>([&] { (void)sender.send(Frame(scene(2))); });
  receiver_side.join();
  EXPECT_NE(what.find("no longer decodes h264"), std::string::npos) << what;
  EXPECT_NE(error_text<ModeError>([&] { (void)sender.send(Frame(scene(3))); }), "");
}

// PUB/SUB: a receiver that joins mid-stream gets a keyframe at once.
TEST(VideoPubSub, AReceiverThatJoinsLateStartsAtAKeyframe) {
  SKIP_WITHOUT_CODECS();
  Receiver first(receiver_settings(Protocol::tcp, Pattern::pub_sub));
  const auto endpoint = first.endpoints().front();
  Options o = h264();
  o.video_keyframe_interval = 0;  // keyframes only when needed
  Sender sender([&] {
    auto s = sender_settings_for(endpoint, Pattern::pub_sub);
    s.options = o;
    return s;
  }());
  ASSERT_TRUE(sender.wait_for_receiver(10s));
  for (int i = 0; i < 10; ++i) send_reliably(sender, Frame(scene(i)), i);
  const auto keys_before = sender.stats().keyframes;
  // A new receiver process on the same endpoint: the publisher reconnects
  // and sees its subscription.
  first.close();
  // libzmq frees the port in the background: try again until it is free.
  std::unique_ptr<Receiver> second;
  const auto bind_deadline = std::chrono::steady_clock::now() + 10s;
  while (!second) {
    try {
      auto s = receiver_settings(Protocol::tcp, Pattern::pub_sub);
      s.address = "127.0.0.1";
      s.port.values = {endpoint.substr(endpoint.rfind(':') + 1)};
      second = std::make_unique<Receiver>(s);
    } catch (const SetupError&) {
      if (std::chrono::steady_clock::now() > bind_deadline) throw;
      std::this_thread::sleep_for(10ms);
    }
  }
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  std::optional<Received> got;
  for (int i = 10; !got && std::chrono::steady_clock::now() < deadline; ++i) {
    (void)sender.send(Frame(scene(i)), i);
    got = second->recv_for(50ms);
  }
  ASSERT_TRUE(got) << "the new receiver got nothing";
  EXPECT_GT(sender.stats().keyframes, keys_before);
  EXPECT_GT(cv::PSNR(got->frame.mat(), scene(got->message.get<int>())), 32.0);
  EXPECT_EQ(second->stats().bad, 0u);
}

// PUB/SUB: a subscriber that does not announce the codec (vidgear) is named and
// counted.
TEST(VideoPubSub, ASubscriberWithoutTheCodecIsCounted) {
  SKIP_WITHOUT_CODECS();
  zmq::context_t ctx;
  zmq::socket_t sub(ctx, zmq::socket_type::sub);
  sub.set(zmq::sockopt::linger, 0);
  sub.set(zmq::sockopt::subscribe, "");
  sub.bind("tcp://127.0.0.1:*");
  Sender sender([&] {
    auto s = sender_settings_for(sub.get(zmq::sockopt::last_endpoint), Pattern::pub_sub);
    s.options = h264();
    return s;
  }());
  // libzmq runs a socket's commands (here: send the subscription to a new
  // peer) only when its own thread calls it: keep the raw SUB busy.
  auto serve = [&] {
    zmq::message_t m;
    while (sub.recv(m, zmq::recv_flags::dontwait)) {
    }
  };
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  bool joined = false;
  while (!joined && std::chrono::steady_clock::now() < deadline) {
    serve();
    joined = sender.wait_for_receiver(20ms);
  }
  ASSERT_TRUE(joined);
  for (int i = 0; sender.stats().incapable_receivers == 0 && std::chrono::steady_clock::now() < deadline; ++i) {
    (void)sender.send(Frame(scene(i)));
    serve();
    std::this_thread::sleep_for(20ms);  // frame pacing, not a wait for a connection
  }
  EXPECT_EQ(sender.stats().incapable_receivers, 1u);
}

TEST(VideoPubSub, ANetgearSubscriberIsNotCountedAsIncapable) {
  SKIP_WITHOUT_CODECS();
  Link link(Protocol::tcp, Pattern::pub_sub, {}, h264());
  for (int i = 0; i < 40; ++i) {
    send_reliably(link.sender, Frame(scene(i)));
    std::this_thread::sleep_for(20ms);  // frame pacing: the grace period passes
  }
  EXPECT_EQ(link.sender.stats().incapable_receivers, 0u);
}

// A packet that never arrives: the receiver shows nothing damaged, asks for
// a keyframe, and goes on from it.
TEST(VideoLoss, AGapSkipsToTheNextKeyframeAndAsksForIt) {
  SKIP_WITHOUT_CODECS();
  Receiver receiver(receiver_settings(Protocol::tcp, Pattern::pair));
  zmq::context_t ctx;
  zmq::socket_t peer(ctx, zmq::socket_type::pair);
  peer.set(zmq::sockopt::linger, 0);
  peer.connect(receiver.endpoints().front());
  video_codec::VideoEncoder encoder(x264());
  std::vector<bool> asked;
  for (int i = 0; i < 12; ++i) {
    const auto packet = encoder.encode(scene(i), i == 8, i).at(0);
    if (i == 4) continue;  // lost on the way
    const auto reply = send_packet(peer, packet.bytes, packet.keyframe, i);
    const auto answer = wire::decode_reply(reply.to_string_view()).video;
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->accept, "h264");
    asked.push_back(answer->keyframe);
  }
  // Replies for frames 0-3, 5-7 (asks: 5, 6, 7), 8 (the keyframe), 9-11.
  EXPECT_EQ(asked, (std::vector<bool>{false, false, false, false, true, true, true, false, false, false, false}));
  std::vector<int> shown;
  while (auto got = receiver.recv_for(200ms)) {
    const int i = got->message.get<int>();
    shown.push_back(i);
    EXPECT_GT(cv::PSNR(got->frame.mat(), scene(i)), 32.0) << "frame " << i;
  }
  EXPECT_EQ(shown, (std::vector<int>{0, 1, 2, 3, 8, 9, 10, 11}));
  EXPECT_EQ(receiver.stats().skipped, 3u);
  EXPECT_EQ(receiver.stats().bad, 0u);
}

// Garbage with a video header: dropped and counted, the stream goes on.
TEST(VideoLoss, AnUndecodablePacketIsBadAndTheStreamGoesOn) {
  SKIP_WITHOUT_CODECS();
  Receiver receiver(receiver_settings(Protocol::tcp, Pattern::pair));
  zmq::context_t ctx;
  zmq::socket_t peer(ctx, zmq::socket_type::pair);
  peer.set(zmq::sockopt::linger, 0);
  peer.connect(receiver.endpoints().front());
  video_codec::VideoEncoder encoder(x264());
  auto send = [&](const std::vector<unsigned char>& bytes, bool key, int i, int width = 320) {
    (void)send_packet(peer, bytes, key, i, width);
  };
  std::vector<unsigned char> garbage(3000, 0x5a);
  send(garbage, true, 0);  // says keyframe, is not one
  send(encoder.encode(scene(1), false, 1).at(0).bytes, true, 1,
       640);  // lies about its size
  send(encoder.encode(scene(2), true, 2).at(0).bytes, true, 2);
  auto got = receiver.recv_for(5s);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->message, 2);
  EXPECT_EQ(receiver.stats().bad, 2u);
}

// Multi-server: two senders of video into one receiver, a decoder each.
TEST(VideoMultiServer, EachSenderHasItsOwnDecoder) {
  SKIP_WITHOUT_CODECS();
  auto rs = receiver_settings(Protocol::tcp, Pattern::req_rep);
  rs.options.multiserver_mode = true;
  rs.options.queue_size = 64;  // every frame is sent before one is read
  rs.port.values = {"*", "*"};
  rs.port.is_list = true;
  Receiver receiver(rs);
  std::vector<std::unique_ptr<Sender>> senders;
  for (const auto& endpoint : receiver.endpoints()) {
    auto s = sender_settings_for(endpoint, Pattern::req_rep);
    s.options = h264();
    s.options.multiserver_mode = true;
    senders.push_back(std::make_unique<Sender>(s));
  }
  for (int i = 0; i < 10; ++i)
    for (std::size_t k = 0; k < senders.size(); ++k)
      ASSERT_EQ(senders[k]->send(Frame(scene(i + 100 * static_cast<int>(k))), i + 100 * static_cast<int>(k)).status,
                SendStatus::delivered);
  int count = 0;
  while (auto got = receiver.recv_for(500ms)) {
    const int i = got->message.get<int>();
    EXPECT_GT(cv::PSNR(got->frame.mat(), scene(i)), 32.0) << "frame " << i;
    ++count;
  }
  EXPECT_EQ(count, 20);
  EXPECT_EQ(receiver.stats().skipped, 0u);
  EXPECT_EQ(receiver.stats().bad, 0u);
}

}  // namespace
}  // namespace netgear::test

namespace netgear::test {
namespace {

// PUB/SUB: a frame the receiver's full pipe refused is never referenced: the
// next packet that goes out is a keyframe.
TEST(VideoPubSub, AFrameTheFullPipeRefusedIsFollowedByAKeyframe) {
  SKIP_WITHOUT_CODECS();
  zmq::context_t ctx;
  zmq::socket_t sub(ctx, zmq::socket_type::sub);
  sub.set(zmq::sockopt::linger, 0);
  sub.set(zmq::sockopt::rcvhwm, 1);
  sub.set(zmq::sockopt::rcvbuf, 64 * 1024);
  sub.set(zmq::sockopt::subscribe, wire::video_topic("h264"));
  sub.set(zmq::sockopt::subscribe, "");
  sub.bind("tcp://127.0.0.1:*");
  Options o = h264();
  o.video_keyframe_interval = 0;  // keyframes only when needed
  Sender sender([&] {
    auto s = sender_settings_for(sub.get(zmq::sockopt::last_endpoint), Pattern::pub_sub);
    s.options = o;
    return s;
  }());
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  bool joined = false;
  while (!joined && std::chrono::steady_clock::now() < deadline) {
    (void)sub.get(zmq::sockopt::events);  // lets the SUB send its subscriptions
    joined = sender.wait_for_receiver(20ms);
  }
  ASSERT_TRUE(joined);
  // The receiver does not read: its pipe fills and frames are refused (noise
  // codes into large packets, which fill the socket buffers sooner).
  cv::Mat noise(480, 640, CV_8UC3);
  int i = 0;
  while (sender.stats().dropped < 5 && std::chrono::steady_clock::now() < deadline) {
    cv::randu(noise, 0, 256);
    (void)sender.send(Frame(noise.clone()));
    ++i;
  }
  ASSERT_GE(sender.stats().dropped, 5u);
  // Now it reads while frames go on: every packet after a gap in the
  // sequence numbers (a refused frame) must be a keyframe.
  std::vector<zmq::message_t> parts;
  std::optional<std::uint64_t> last;
  int gaps = 0, after_gap = 0;
  while ((gaps == 0 || after_gap < 3) && std::chrono::steady_clock::now() < deadline) {
    (void)sender.send(Frame(scene(i++, 640, 480)));  // the same size: no new encoder, no keyframe of its own
    for (;;) {
      parts.clear();
      if (!zmq::recv_multipart(sub, std::back_inserter(parts), zmq::recv_flags::dontwait)) break;
      if (gaps > 0) ++after_gap;
      const auto h = std::get<wire::FrameHeader>(wire::decode_header(parts.at(0).to_string_view()));
      ASSERT_EQ(h.compression.kind, wire::Compression::Kind::video);
      if (last && *h.seq != *last + 1) {
        ++gaps;
        EXPECT_TRUE(h.compression.keyframe) << "packet " << *h.seq << " follows a lost one and is not a keyframe";
      }
      last = h.seq;
    }
    std::this_thread::sleep_for(5ms);  // frame pacing, not a wait for a connection
  }
  EXPECT_GE(gaps, 1) << "no refused frame showed in the sequence numbers";
  EXPECT_GE(after_gap, 3) << "the stream did not go on after the refused frames";
}

}  // namespace
}  // namespace netgear::test
