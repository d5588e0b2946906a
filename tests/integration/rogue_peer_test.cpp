// A raw ZeroMQ peer sends what no vidgear sender would: the receiver drops and
// counts each bad message, keeps replying so the sender stays in step, and
// goes on delivering good frames.
#include <gtest/gtest.h>

#include <zmq.hpp>

#include "integration/stream_support.hpp"

namespace netgear::test {
namespace {

using namespace std::chrono_literals;

std::string good_header(const std::string& shape, const std::string& dtype = "uint8") {
  return R"({"terminate_flag": false, "compression": false, "message": "ok", "pattern": "1", "dtype": ")" + dtype +
         R"(", "shape": )" + shape + "}";
}

class RawPeer {
 public:
  RawPeer(zmq::socket_type type, const std::string& endpoint) : socket_(ctx_, type) {
    socket_.set(zmq::sockopt::linger, 0);
    socket_.connect(endpoint);
  }

  // Sends the parts as one message and, for REQ, reads the reply.
  std::string exchange(const std::vector<std::string>& parts) {
    for (std::size_t i = 0; i < parts.size(); ++i)
      socket_.send(zmq::buffer(parts[i]), i + 1 < parts.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
    zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, std::chrono::milliseconds(10000)) == 0) return "<no reply>";
    zmq::message_t reply;
    (void)socket_.recv(reply);
    return reply.to_string();
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
      {good_header("[2, 2]")},                                              // header without payload
      {good_header("[2, 2]"), "abcd", "extra part"},                        // three parts
      {good_header("[2, 2]"), "abc"},                                       // payload too short
      {good_header("[-2, 2]"), "abcd"},                                     // negative dimension
      {good_header("[2147483647, 2147483647, 2147483647]"), "abcd"},        // huge shape
      {good_header("[2]", "complex128"), std::string(32, 'x')},             // dtype netgear cannot carry
      {good_header("[2]", "uint\"8"), "ab"},                                // nonsense dtype
      {R"({"terminate_flag": false, "compression": ".gif", "dtype": "uint8", "shape": [2]})", "ab"},
  };
  for (const auto& message : bad) {
    EXPECT_EQ(peer.exchange(message).rfind("Data received on device", 0), 0u) << "no reply to " << message.front();
  }
  EXPECT_TRUE(eventually([&] { return receiver.stats().bad == bad.size(); })) << receiver.stats().bad;

  peer.exchange({good_header("[2, 2]"), "abcd"});
  auto got = receiver.recv_for(10s);
  ASSERT_TRUE(got) << "the receiver stopped delivering after bad input";
  EXPECT_EQ(got->frame.mat().at<uchar>(1, 1), 'd');
  EXPECT_EQ(got->message, "ok");
  EXPECT_FALSE(got->seq) << "a vidgear-style header carries no sequence number";
  EXPECT_EQ(receiver.stats().received, 1u);
  EXPECT_FALSE(receiver.ended());
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
      big.socket().send(zmq::buffer(good_header("[4096]")), zmq::send_flags::sndmore);
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
    peer.exchange({good_header("[2, 2]"), std::string(4, static_cast<char>('a' + round))});
    auto got = receiver.recv_for(10s);
    ASSERT_TRUE(got) << "round " << round;
    EXPECT_EQ(got->frame.mat().at<uchar>(0, 0), 'a' + round);
  }  // each peer is closed (linger 0) without a termination message
  EXPECT_FALSE(receiver.ended());
}

TEST(RoguePeer, TerminationFromAVidgearSenderEndsTheStream) {
  Receiver receiver(receiver_settings(Protocol::tcp, Pattern::req_rep));
  RawPeer peer(zmq::socket_type::req, receiver.endpoints().front());
  peer.exchange({good_header("[2, 2]"), "abcd"});
  EXPECT_EQ(peer.exchange({R"({"terminate_flag": true})"}), "Termination signal successfully received at Client's end!");
  ASSERT_TRUE(receiver.recv_for(10s));
  EXPECT_FALSE(receiver.recv_for(10s));
  EXPECT_EQ(receiver.end_reason(), EndReason::terminated);
}

}  // namespace
}  // namespace netgear::test
