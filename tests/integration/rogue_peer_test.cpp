// A raw ZeroMQ peer sends what no vidgear sender would: the receiver drops and
// counts each bad message, keeps replying so the sender stays in step, and
// goes on delivering good frames.
#include <gtest/gtest.h>

#include <zmq.hpp>

#include <future>

#include "integration/garbage.hpp"
#include "integration/stream_support.hpp"

namespace netgear::test {
namespace {

using namespace std::chrono_literals;

class RawPeer {
 public:
  RawPeer(zmq::socket_type type, const std::string& endpoint) : socket_(ctx_, type) {
    socket_.set(zmq::sockopt::linger, 0);
    socket_.connect(endpoint);
  }

  void send(const std::vector<std::string>& parts) {
    for (std::size_t i = 0; i < parts.size(); ++i)
      socket_.send(zmq::buffer(parts[i]), i + 1 < parts.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
  }

  // Sends the parts as one message and reads the reply (REQ, PAIR).
  std::string exchange(const std::vector<std::string>& parts) {
    send(parts);
    zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, std::chrono::milliseconds(10000)) == 0) return "<no reply>";
    zmq::message_t reply;
    (void)socket_.recv(reply);
    return reply.to_string();
  }

  // XPUB: waits for the receiver's subscription, so nothing sent goes to nobody.
  bool await_subscription() {
    zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, std::chrono::milliseconds(10000)) == 0) return false;
    zmq::message_t subscription;
    return socket_.recv(subscription).has_value();
  }

  zmq::socket_t& socket() { return socket_; }

 private:
  zmq::context_t ctx_;
  zmq::socket_t socket_;
};

TEST(RoguePeer, MalformedMessagesAreDroppedCountedAndAnswered) {
  Receiver receiver(receiver_settings(Protocol::tcp, Pattern::req_rep));
  RawPeer peer(zmq::socket_type::req, receiver.endpoints().front());
  const std::vector<std::vector<std::string>> bad = {
      {"not json at all", "xx"},
      {"[1, 2, 3]", "xx"},
      {R"({"compression": false, "dtype": "uint8", "shape": [2]})", "xx"},  // no terminate_flag
      {raw_header("[2, 2]")},                                              // header without payload
      {raw_header("[2, 2]"), "abcd", "extra part"},                        // three parts
      {raw_header("[2, 2]"), "abc"},                                       // payload too short
      {raw_header("[-2, 2]"), "abcd"},                                     // negative dimension
      {raw_header("[2147483647, 2147483647, 2147483647]"), "abcd"},        // huge shape
      {raw_header("[2]", "complex128"), std::string(32, 'x')},             // dtype netgear cannot carry
      {raw_header("[2]", "uint\"8"), "ab"},                                // nonsense dtype
      {R"({"terminate_flag": false, "compression": ".gif", "dtype": "uint8", "shape": [2]})", "ab"},
  };
  for (const auto& message : bad) {
    EXPECT_EQ(peer.exchange(message).rfind("Data received on device", 0), 0u) << "no reply to " << message.front();
  }
  EXPECT_TRUE(eventually([&] { return receiver.stats().bad == bad.size(); })) << receiver.stats().bad;

  peer.exchange({raw_header("[2, 2]"), "abcd"});
  auto got = receiver.recv_for(10s);
  ASSERT_TRUE(got) << "the receiver stopped delivering after bad input";
  EXPECT_EQ(got->frame.mat().at<uchar>(1, 1), 'd');
  EXPECT_EQ(got->message, "ok");
  EXPECT_FALSE(got->seq) << "a vidgear-style header carries no sequence number";
  EXPECT_EQ(receiver.stats().received, 1u);
  EXPECT_EQ(receiver.end_reason(), EndReason::none);
}

constexpr int rounds = 10;  // of every kind of garbage
constexpr int good_frames = 100;

// Receives `count` good frames, which must be pattern frames 0, 1, 2... in
// order (PUB/SUB's drop_oldest may skip some, never reorder them).
void expect_good_frames(Receiver& receiver, int count, bool all) {
  int next = 0;
  while (next < count) {
    auto got = receiver.recv_for(std::chrono::seconds(10));
    ASSERT_TRUE(got) << "no frame after frame " << next - 1 << "; stats bad=" << receiver.stats().bad;
    const int seed = pattern_seed(got->frame);
    ASSERT_TRUE(all ? seed == next : seed >= next) << "frame " << seed << " where " << next << " was due";
    ASSERT_TRUE(is_pattern_frame(got->frame, seed)) << "frame " << seed << " is corrupt";
    next = seed + 1;
  }
}

// A rogue peer and a well-behaved sender on one receiver at the same time:
// every piece of garbage is dropped and counted, every good frame arrives
// whole, and an oversized message only cuts off the peer that sent it.
class RogueBesideAGoodSender : public ::testing::TestWithParam<Pattern> {};

TEST_P(RogueBesideAGoodSender, GarbageIsCountedAndGoodFramesKeepFlowing) {
  const Pattern pattern = GetParam();
  auto s = receiver_settings(Protocol::tcp, pattern);
  s.options.max_message_size = 256 * 1024;
  Receiver receiver(s);
  const auto endpoint = receiver.endpoints().front();
  Sender sender(sender_settings_for(endpoint, pattern));
  if (pattern == Pattern::pub_sub) {
    ASSERT_TRUE(sender.wait_for_receiver(std::chrono::seconds(10)));
  }

  const bool req = pattern == Pattern::req_rep;
  auto rogue = std::async(std::launch::async, [&] {
    const auto type = req ? zmq::socket_type::req : zmq::socket_type::xpub;
    RawPeer oversized(type, endpoint);
    if (!req) {
      EXPECT_TRUE(oversized.await_subscription());
    }
    oversized.send({raw_header("[1048576]"), std::string(1 << 20, 'x')});
    RawPeer peer(type, endpoint);
    if (!req) {
      EXPECT_TRUE(peer.await_subscription());
    }
    int unanswered = 0;
    for (std::uint32_t n = 0; n < rounds * garbage_kinds; ++n) {
      if (req) {
        unanswered += peer.exchange(garbage(n)) == "<no reply>";
      } else {
        peer.send(garbage(n));
      }
    }
    return unanswered;
  });
  auto good = std::async(std::launch::async, [&] {
    for (int i = 0; i < good_frames; ++i) send_reliably(sender, pattern_frame({8, 6, 3}, Dtype::uint8, i));
  });
  expect_good_frames(receiver, good_frames, req);
  good.get();
  EXPECT_EQ(rogue.get(), 0) << "garbage messages left without a reply";

  const auto sent = static_cast<std::uint64_t>(rounds * garbage_kinds);
  if (req) {
    EXPECT_TRUE(eventually([&] { return receiver.stats().bad == sent; })) << receiver.stats().bad << " of " << sent;
  } else {  // a publisher drops what the subscriber's pipe cannot take
    EXPECT_GT(receiver.stats().bad, 0u);
    EXPECT_LE(receiver.stats().bad, sent);
  }
  EXPECT_EQ(receiver.stats().received, static_cast<std::uint64_t>(good_frames));
  EXPECT_EQ(receiver.end_reason(), EndReason::none);
}

INSTANTIATE_TEST_SUITE_P(Patterns, RogueBesideAGoodSender, ::testing::Values(Pattern::req_rep, Pattern::pub_sub),
                         [](const auto& p) { return p.param == Pattern::req_rep ? "reqrep" : "pubsub"; });

// PAIR takes one peer at a time: garbage first, then a good sender.
TEST(RoguePeer, PairReceiverServesAGoodSenderAfterGarbage) {
  Receiver receiver(receiver_settings(Protocol::tcp, Pattern::pair));
  const auto endpoint = receiver.endpoints().front();
  {
    RawPeer peer(zmq::socket_type::pair, endpoint);
    for (std::uint32_t n = 0; n < 2 * garbage_kinds; ++n)
      ASSERT_EQ(peer.exchange(garbage(n)).rfind("Data received on device", 0), 0u) << "kind " << n % garbage_kinds;
  }
  EXPECT_TRUE(eventually([&] { return receiver.stats().bad == 2u * garbage_kinds; })) << receiver.stats().bad;
  auto ss = sender_settings_for(endpoint, Pattern::pair);
  ss.options.request_timeout = std::chrono::milliseconds(1000);
  Sender sender(ss);
  auto good = std::async(std::launch::async, [&] {
    // A frame offered before the receiver has seen the rogue leave is refused
    // with the connection and reported timed_out; the sender resends it.
    for (int i = 0; i < good_frames; ++i) {
      for (int attempt = 0; attempt < 3; ++attempt)
        if (sender.send(pattern_frame({8, 6, 3}, Dtype::uint8, i)).status != SendStatus::timed_out) break;
    }
  });
  expect_good_frames(receiver, good_frames, true);
  good.get();
}

TEST(RoguePeer, OversizedMessageDropsThatPeerOnly) {
  auto s = receiver_settings(Protocol::tcp, Pattern::pub_sub);
  s.options.max_message_size = 1024;
  Receiver receiver(s);
  {
    RawPeer big(zmq::socket_type::pub, receiver.endpoints().front());
    // Keep offering the oversized message until the subscription has arrived and
    // ZeroMQ has cut the connection; none of it may reach recv().
    std::string payload(4096, 'x');
    for (int i = 0; i < 50; ++i) {
      big.socket().send(zmq::buffer(raw_header("[4096]")), zmq::send_flags::sndmore);
      big.socket().send(zmq::buffer(payload), zmq::send_flags::none);
    }
    EXPECT_FALSE(receiver.recv_for(200ms));
  }
  // The receiver must still serve a well-behaved sender.
  Sender sender(sender_settings_for(receiver.endpoints().front(), Pattern::pub_sub));
  ASSERT_TRUE(sender.wait_for_receiver(10s));
  send_reliably(sender, pattern_frame({16, 16}, Dtype::uint8, 1));
  auto got = receiver.recv_for(10s);
  ASSERT_TRUE(got);
  EXPECT_TRUE(is_pattern_frame(got->frame, 1));
}

TEST(RoguePeer, ASenderThatVanishesWithoutTerminatingIsReplacedByANewOne) {
  Receiver receiver(receiver_settings(Protocol::tcp, Pattern::req_rep));
  for (int round = 0; round < 2; ++round) {
    RawPeer peer(zmq::socket_type::req, receiver.endpoints().front());
    peer.exchange({raw_header("[2, 2]"), std::string(4, static_cast<char>('a' + round))});
    auto got = receiver.recv_for(10s);
    ASSERT_TRUE(got) << "round " << round;
    EXPECT_EQ(got->frame.mat().at<uchar>(0, 0), 'a' + round);
  }  // each peer is closed (linger 0) without a termination message
  EXPECT_EQ(receiver.end_reason(), EndReason::none);
}

TEST(RoguePeer, TerminationFromAVidgearSenderEndsTheStream) {
  Receiver receiver(receiver_settings(Protocol::tcp, Pattern::req_rep));
  RawPeer peer(zmq::socket_type::req, receiver.endpoints().front());
  peer.exchange({raw_header("[2, 2]"), "abcd"});
  EXPECT_EQ(peer.exchange({R"({"terminate_flag": true})"}), "Termination signal successfully received at Client's end!");
  ASSERT_TRUE(receiver.recv_for(10s));
  EXPECT_FALSE(receiver.recv_for(10s));
  EXPECT_EQ(receiver.end_reason(), EndReason::terminated);
}

}  // namespace
}  // namespace netgear::test
