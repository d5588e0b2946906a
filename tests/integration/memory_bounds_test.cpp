// What a peer can make netgear hold: the receive queue's bytes, a sender's
// replies, the multi-server roster, a message of endless parts.
#include <gtest/gtest.h>

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include <future>
#include <thread>

#include "integration/garbage.hpp"
#include "integration/stream_support.hpp"
#include "netgear/error.hpp"

namespace netgear::test {
namespace {

using namespace std::chrono_literals;

// A REQ peer speaking the wire format by hand.
class RawReq {
 public:
  explicit RawReq(const std::string& endpoint) : socket_(ctx_, zmq::socket_type::req) {
    socket_.set(zmq::sockopt::linger, 0);
    socket_.connect(endpoint);
  }
  // Sends the parts and waits for the reply; false if none came in 10 s.
  bool exchange(const std::vector<std::string>& parts) {
    for (std::size_t i = 0; i < parts.size(); ++i)
      socket_.send(zmq::buffer(parts[i]), i + 1 < parts.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
    zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, 10s) == 0) return false;
    zmq::message_t reply;
    return socket_.recv(reply).has_value();
  }

 private:
  zmq::context_t ctx_;
  zmq::socket_t socket_;
};

std::string multiserver_header(const std::string& port, const std::string& shape) {
  return R"({"port": ")" + port + R"(", "terminate_flag": false, "compression": false, "message": null, "pattern": "1", "dtype": "uint8", "shape": )" +
         shape + "}";
}

Settings multiserver_receiver() {
  auto s = receiver_settings(Protocol::tcp, Pattern::req_rep);
  s.port = PortSpec(std::vector<std::string>{"*"});
  s.options.multiserver_mode = true;
  return s;
}

// -- the receive queue holds a bounded number of bytes -------------------------

TEST(MemoryBounds, TheReceiveQueueIsBoundedByBytes) {
  Options r;
  r.overflow_policy = OverflowPolicy::drop_oldest;
  r.queue_max_bytes = 1 << 20;  // 1 MiB; 16 frames would be 4.8 MB
  Link link(Protocol::tcp, Pattern::pair, r);
  constexpr int kFrames = 20;
  for (int i = 0; i < kFrames; ++i)  // the application reads nothing meanwhile
    ASSERT_EQ(link.sender.send(pattern_frame({100, 1000, 3}, Dtype::uint8, i)).status, SendStatus::delivered);
  ASSERT_TRUE(eventually([&] { return link.receiver.stats().received == kFrames; }));
  const auto stats = link.receiver.stats();
  EXPECT_EQ(stats.queued, 3u);  // 3 x 300,000 bytes fit in 1 MiB
  EXPECT_EQ(stats.queued_bytes, 900'000u);
  EXPECT_EQ(stats.dropped, kFrames - 3u);
  for (int i = kFrames - 3; i < kFrames; ++i) {
    auto got = link.receiver.recv_for(5s);
    ASSERT_TRUE(got);
    EXPECT_EQ(pattern_seed(got->frame), i);
  }
  EXPECT_EQ(link.receiver.stats().queued_bytes, 0u);
}

// -- a sender takes small replies unless it may be returned a frame --------------

// A "receiver" that answers the first frame with `reply`, then closes.
std::future<void> answer_once(zmq::socket_t& socket, std::string reply) {
  return std::async(std::launch::async, [&socket, reply = std::move(reply)] {
    zmq::pollitem_t item{socket.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, 10s) == 0) return;
    std::vector<zmq::message_t> parts;
    (void)zmq::recv_multipart(socket, std::back_inserter(parts));
    socket.send(zmq::buffer(reply), zmq::send_flags::dontwait);
  });
}

TEST(MemoryBounds, ASenderRefusesAHugeReplyAndGoesOnWithAGoodReceiver) {
  zmq::context_t ctx;
  zmq::socket_t hostile(ctx, zmq::socket_type::pair);
  hostile.set(zmq::sockopt::linger, 0);
  hostile.bind("tcp://127.0.0.1:*");
  const auto endpoint = hostile.get(zmq::sockopt::last_endpoint);
  auto s = sender_settings_for(endpoint, Pattern::pair);
  s.options.request_timeout = 300ms;
  s.options.max_retries = -1;  // wait for a better receiver
  Sender sender(s);
  auto replied = answer_once(hostile, std::string(1 << 20, 'x'));
  const auto frame = pattern_frame({4, 4, 3}, Dtype::uint8, 1);
  const auto first = sender.send(frame);
  replied.get();
  EXPECT_EQ(first.status, SendStatus::timed_out) << "a 1 MiB reply was taken: " << first.reply.dump().size() << " bytes";
  EXPECT_TRUE(first.reply.is_null());
  hostile.close();
  ctx.close();  // waits for libzmq to let go of the port

  // A good receiver on the same port: the next frames go through.
  auto r = receiver_settings(Protocol::tcp, Pattern::pair);
  r.port = endpoint.substr(endpoint.rfind(':') + 1);
  Receiver good(r);
  EXPECT_TRUE(eventually([&] { return sender.send(frame).status == SendStatus::delivered; }));
  EXPECT_GE(sender.stats().timeouts, 1u);
}

TEST(MemoryBounds, ABidirectionalSenderTakesALargeDataReply) {
  zmq::context_t ctx;
  zmq::socket_t peer(ctx, zmq::socket_type::pair);
  peer.set(zmq::sockopt::linger, 0);
  peer.bind("tcp://127.0.0.1:*");
  auto s = sender_settings_for(peer.get(zmq::sockopt::last_endpoint), Pattern::pair);
  s.options.bidirectional_mode = true;
  s.options.request_timeout = 5s;
  Sender sender(s);
  const std::string data(1 << 20, 'x');
  auto replied = answer_once(peer, R"({"return_type": "str", "data": ")" + data + R"("})");
  const auto result = sender.send(pattern_frame({4, 4, 3}, Dtype::uint8, 1));
  replied.get();
  ASSERT_EQ(result.status, SendStatus::delivered);
  EXPECT_EQ(result.reply, data);
}

// -- the multi-server roster ------------------------------------------------------

// Bad frames with 10,000 distinct port labels leave nothing behind: one real
// sender's termination still ends the stream (with the labels recorded, it
// would wait for 10,000 senders that never were).
TEST(MemoryBounds, BadFramesLeaveNoLabelInTheRoster) {
  Receiver receiver(multiserver_receiver());
  RawReq peer(receiver.endpoints().front());
  constexpr int kBad = 10'000;
  for (int i = 0; i < kBad; ++i)  // a 2x2x3 shape with a 1-byte payload
    ASSERT_TRUE(peer.exchange({multiserver_header("p" + std::to_string(i), "[2, 2, 3]"), "x"}));
  EXPECT_TRUE(eventually([&] { return receiver.stats().bad == kBad; })) << receiver.stats().bad;
  ASSERT_TRUE(peer.exchange({multiserver_header("real", "[1, 1, 3]"), "abc"}));
  ASSERT_TRUE(peer.exchange({R"({"port": "real", "terminate_flag": true})"}));
  auto got = receiver.recv_for(5s);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->port, "real");
  EXPECT_FALSE(receiver.recv_for(5s)) << "the stream did not end";
  EXPECT_EQ(receiver.end_reason(), EndReason::terminated);
}

TEST(MemoryBounds, TheRosterKnowsAtMostItsLimitOfSenders) {
  auto settings = multiserver_receiver();
  settings.options.overflow_policy = OverflowPolicy::drop_oldest;  // the application reads nothing
  Receiver receiver(settings);
  RawReq peer(receiver.endpoints().front());
  constexpr int kSenders = 1100;  // the roster keeps 1,024
  for (int i = 0; i < kSenders; ++i)
    ASSERT_TRUE(peer.exchange({multiserver_header("p" + std::to_string(i), "[1, 1, 1]"), "x"}));
  ASSERT_TRUE(eventually([&] { return receiver.stats().received + receiver.stats().bad == kSenders; }));
  EXPECT_EQ(receiver.stats().received, 1024u);
  EXPECT_EQ(receiver.stats().bad, kSenders - 1024u);
  // A label that is not a short string or integer is malformed.
  const std::string long_label(100, '7');
  ASSERT_TRUE(peer.exchange({multiserver_header(long_label, "[1, 1, 1]"), "x"}));
  ASSERT_TRUE(peer.exchange({R"({"port": [1, 2], "terminate_flag": false, "compression": false, "message": null, "pattern": "1", "dtype": "uint8", "shape": [1, 1, 1]})", "x"}));
  // (a REP receiver replies before it counts)
  EXPECT_TRUE(eventually([&] { return receiver.stats().bad == kSenders - 1024u + 2; })) << receiver.stats().bad;
}

// -- a message of endless parts ------------------------------------------------------

TEST(MemoryBounds, AMessageOfManyPartsIsDroppedAndTheStreamGoesOn) {
  Receiver receiver(receiver_settings(Protocol::tcp, Pattern::req_rep));
  RawReq peer(receiver.endpoints().front());
  std::vector<std::string> parts{raw_header("[1, 1, 3]")};
  parts.resize(100'000, "p");
  ASSERT_TRUE(peer.exchange(parts));
  ASSERT_TRUE(peer.exchange({raw_header("[1, 1, 3]"), "abc"}));
  auto got = receiver.recv_for(5s);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->frame.byte_size(), 3u);
  EXPECT_EQ(receiver.stats().bad, 1u);
  EXPECT_EQ(receiver.stats().received, 1u);
}

}  // namespace
}  // namespace netgear::test
