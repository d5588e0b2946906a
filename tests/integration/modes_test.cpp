// The exclusive modes over real sockets: bidirectional, multi-server,
// multi-client, force_terminate.
#include <gtest/gtest.h>

#include <map>

#include <opencv2/core.hpp>
#include <zmq.hpp>

#include "integration/stream_support.hpp"
#include "netgear/error.hpp"

namespace netgear::test {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

std::string port_of(const std::string& endpoint) { return endpoint.substr(endpoint.rfind(':') + 1); }

Options bidirectional() {
  Options o;
  o.bidirectional_mode = true;
  return o;
}

class Bidirectional : public ::testing::TestWithParam<std::tuple<Protocol, Pattern>> {};

TEST_P(Bidirectional, ReturnDataRidesOnTheNextReplies) {
  auto [protocol, pattern] = GetParam();
  Link link(protocol, pattern, bidirectional(), bidirectional());
  link.receiver.set_return_data("r0");
  auto first = link.sender.send(pattern_frame({4, 4}, Dtype::uint8, 0), "m0");
  ASSERT_EQ(first.status, SendStatus::delivered);
  EXPECT_EQ(first.reply, "r0");
  auto got = link.receiver.recv_for(10s);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->message, "m0");
  link.receiver.set_return_data(json{{"seen", 0}, {"list", {1, "x"}}});
  auto second = link.sender.send(pattern_frame({4, 4}, Dtype::uint8, 1));
  EXPECT_EQ(second.reply, (json{{"seen", 0}, {"list", {1, "x"}}}));
  auto third = link.sender.send(pattern_frame({4, 4}, Dtype::uint8, 2));  // kept until replaced, as vidgear
  EXPECT_EQ(third.reply, (json{{"seen", 0}, {"list", {1, "x"}}}));
}

TEST_P(Bidirectional, AFrameCanBeReturned) {
  auto [protocol, pattern] = GetParam();
  Link link(protocol, pattern, bidirectional(), bidirectional());
  link.receiver.set_return_data(pattern_frame({6, 7, 3}, Dtype::uint16, 5));
  auto result = link.sender.send(pattern_frame({4, 4}, Dtype::uint8, 0));
  ASSERT_TRUE(result.reply_frame);
  EXPECT_EQ(result.reply_frame->shape(), (std::vector<std::size_t>{6, 7, 3}));
  EXPECT_TRUE(is_pattern_frame(*result.reply_frame, 5));
  EXPECT_TRUE(result.reply.is_null());
}

INSTANTIATE_TEST_SUITE_P(PatternsAndProtocols, Bidirectional,
                         ::testing::Combine(::testing::Values(Protocol::tcp, Protocol::ipc),
                                            ::testing::Values(Pattern::pair, Pattern::req_rep)));

TEST(Bidirectional, AReturnedFrameIsJpegCompressedWhenTheReceiverCompresses) {
  Options r = bidirectional();
  r.jpeg_compression = true;
  Link link(Protocol::tcp, Pattern::req_rep, r, bidirectional());
  cv::Mat image(48, 64, CV_8UC3, cv::Scalar(40, 120, 200));
  link.receiver.set_return_data(Frame(image));
  auto result = link.sender.send(pattern_frame({4, 4}, Dtype::uint8, 0));
  ASSERT_TRUE(result.reply_frame);
  EXPECT_EQ(result.reply_frame->shape(), (std::vector<std::size_t>{48, 64, 3}));
  EXPECT_GT(cv::PSNR(result.reply_frame->mat(), image), 30.0);
}

TEST(Bidirectional, ForcesAPromptClose) {
  auto s = receiver_settings(Protocol::ipc, Pattern::req_rep);  // nobody binds it
  s.options = bidirectional();
  Sender sender(s);
  const auto start = std::chrono::steady_clock::now();
  sender.close();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 100ms + promise_slack()) << "forced: a 100 ms deadline";
}

// ---- multi-server ----------------------------------------------------------------

// A multi-server receiver with `senders` ports: ephemeral on tcp, named on ipc.
Settings multiserver_receiver(Protocol protocol, Pattern pattern, int senders) {
  auto s = receiver_settings(protocol, pattern);
  std::vector<std::string> ports;
  for (int i = 0; i < senders; ++i) ports.push_back(protocol == Protocol::tcp ? "*" : "s" + std::to_string(i));
  s.port = PortSpec(ports);
  s.options.multiserver_mode = true;
  return s;
}

Settings multiserver_sender(const std::string& endpoint, Pattern pattern) {
  auto s = sender_settings_for(endpoint, pattern);
  s.options.multiserver_mode = true;
  return s;
}

class MultiServer : public ::testing::TestWithParam<std::tuple<Protocol, Pattern>> {};

TEST_P(MultiServer, FramesAreTaggedWithTheirSenderAndTheStreamEndsAfterAll) {
  const auto [protocol, pattern] = GetParam();
  Receiver receiver(multiserver_receiver(protocol, pattern, 3));
  ASSERT_EQ(receiver.endpoints().size(), 3u);
  std::vector<std::unique_ptr<Sender>> senders;
  for (const auto& endpoint : receiver.endpoints()) {
    senders.push_back(std::make_unique<Sender>(multiserver_sender(endpoint, pattern)));
    if (pattern == Pattern::pub_sub) {
      ASSERT_TRUE(senders.back()->wait_for_receiver(10s));
    }
  }
  std::map<std::string, int> per_port;
  for (int i = 0; i < 4; ++i) {
    for (std::size_t k = 0; k < senders.size(); ++k) {
      send_reliably(*senders[k], pattern_frame({8, 8}, Dtype::uint8, i), json{{"k", k}});
      auto got = receiver.recv_for(10s);
      ASSERT_TRUE(got);
      EXPECT_EQ(got->port, port_of(receiver.endpoints()[k]));
      EXPECT_EQ(got->message, (json{{"k", k}}));
      ++per_port[got->port.get<std::string>()];
    }
  }
  EXPECT_EQ(per_port.size(), 3u);
  senders[0]->close();
  senders[1]->close();
  EXPECT_FALSE(receiver.recv_for(300ms));
  EXPECT_EQ(receiver.end_reason(), EndReason::none) << "one sender is still streaming";
  senders[2]->close();
  EXPECT_FALSE(receiver.recv_for(10s));
  EXPECT_EQ(receiver.end_reason(), EndReason::terminated);
}

TEST_P(MultiServer, ASenderThatDiesDoesNotBlockTheOthers) {
  const auto [protocol, pattern] = GetParam();
  auto rs = multiserver_receiver(protocol, pattern, 2);
  rs.options.receive_timeout = 1500ms;
  Receiver receiver(rs);
  {
    // Sender 0 is a raw socket that sends one frame and dies: closed with
    // linger 0 and no termination, as if its process were killed.
    zmq::context_t ctx;
    zmq::socket_t dead(ctx, pattern == Pattern::pub_sub ? zmq::socket_type::pub : zmq::socket_type::req);
    dead.set(zmq::sockopt::linger, 0);
    dead.connect(receiver.endpoints()[0]);
    const std::string head = R"({"port": ")" + port_of(receiver.endpoints()[0]) +
                             R"(", "terminate_flag": false, "compression": false, "message": null, "pattern": "1", "dtype": "uint8", "shape": [2, 2]})";
    auto send_one = [&] {
      dead.send(zmq::buffer(head), zmq::send_flags::sndmore);
      dead.send(zmq::str_buffer("abcd"), zmq::send_flags::none);
    };
    if (pattern == Pattern::pub_sub) {  // a PUB reaches nobody until the subscription arrives
      ASSERT_TRUE(eventually([&] {
        send_one();
        return receiver.recv_for(20ms).has_value();
      }));
    } else {
      send_one();
      ASSERT_TRUE(receiver.recv_for(10s));
    }
  }
  Sender alive(multiserver_sender(receiver.endpoints()[1], pattern));
  if (pattern == Pattern::pub_sub) {
    ASSERT_TRUE(alive.wait_for_receiver(10s));
  }
  for (int i = 1; i <= 5; ++i) {
    send_reliably(alive, pattern_frame({4, 4}, Dtype::uint8, i));
    auto got = receiver.recv_for(10s);
    while (got && got->port == port_of(receiver.endpoints()[0])) got = receiver.recv_for(10s);  // late copies of the dead one's frame
    ASSERT_TRUE(got);
    EXPECT_TRUE(is_pattern_frame(got->frame, i));
  }
  alive.close();
  std::optional<Received> rest;
  do rest = receiver.recv();  // the dead sender never terminates: receive_timeout ends it
  while (rest && rest->port == port_of(receiver.endpoints()[0]));
  EXPECT_FALSE(rest);
  EXPECT_EQ(receiver.end_reason(), EndReason::timed_out);
}

INSTANTIATE_TEST_SUITE_P(ProtocolsAndPatterns, MultiServer,
                         ::testing::Combine(::testing::Values(Protocol::tcp, Protocol::ipc),
                                            ::testing::Values(Pattern::req_rep, Pattern::pub_sub)));

TEST(MultiServer, FilterKeepsOnlyTheMatchingSender) {
  // Named ipc ports, so the filter can be set before binding (re-binding a
  // just-closed tcp port can fail with EADDRINUSE).
  auto rs = multiserver_receiver(Protocol::ipc, Pattern::pub_sub, 2);
  const std::vector<std::string> ports = rs.port.values;
  rs.options.filter = ports[1];
  Receiver receiver(rs);
  Sender other(multiserver_sender(receiver.endpoints()[0], Pattern::pub_sub));
  Sender kept(multiserver_sender(receiver.endpoints()[1], Pattern::pub_sub));
  ASSERT_TRUE(other.wait_for_receiver(10s));
  ASSERT_TRUE(kept.wait_for_receiver(10s));
  send_reliably(other, pattern_frame({4, 4}, Dtype::uint8, 1));
  send_reliably(kept, pattern_frame({4, 4}, Dtype::uint8, 2));
  auto got = receiver.recv_for(10s);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->port, ports[1]);
  EXPECT_TRUE(eventually([&] { return receiver.stats().filtered == 1; }));
  other.close();
  kept.close();
  EXPECT_FALSE(receiver.recv_for(10s));
  EXPECT_EQ(receiver.end_reason(), EndReason::terminated);
}

// ---- multi-client ----------------------------------------------------------------

// Receivers on ipc paths named in advance, so one can join late.
struct MultiClient {
  std::string base = receiver_settings(Protocol::ipc, Pattern::pair).address.value();
  Settings receiver(Pattern pattern, const std::string& name) const {
    Settings s;
    s.protocol = Protocol::ipc;
    s.pattern = pattern;
    s.address = base;
    s.port = name;
    s.options.multiclient_mode = true;
    return s;
  }
  Settings sender(Pattern pattern, std::vector<std::string> names) const {
    Settings s = receiver(pattern, "");
    s.port = PortSpec(std::move(names));
    s.options.request_timeout = 1s;
    return s;
  }
};

TEST(MultiClient, ReqRepSpreadsFramesAndRepliesNameTheReceiver) {
  MultiClient mc;
  Receiver a(mc.receiver(Pattern::req_rep, "a")), b(mc.receiver(Pattern::req_rep, "b"));
  Sender sender(mc.sender(Pattern::req_rep, {"a", "b"}));
  std::map<std::string, int> replies;
  // The connections to a and b complete asynchronously: until both are up,
  // every frame goes to the one that is. Send until both have answered.
  std::uint64_t sent = 0;
  for (int i = 0; i < 200 && (replies.size() < 2 || sent < 6); ++i, ++sent) {
    auto result = sender.send(pattern_frame({4, 4}, Dtype::uint8, i));
    ASSERT_EQ(result.status, SendStatus::delivered);
    ++replies[result.reply_port.get<std::string>()];
  }
  EXPECT_EQ(replies.size(), 2u);
  // A receiver replies before it has read the frame: the last count may come just after the reply.
  EXPECT_TRUE(eventually([&] { return a.stats().received + b.stats().received == sent; }))
      << a.stats().received << " + " << b.stats().received << " of " << sent;
  sender.close();
  EXPECT_TRUE(eventually([&] { return a.end_reason() == EndReason::terminated && b.end_reason() == EndReason::terminated; }))
      << "each receiver gets its termination";
}

TEST(MultiClient, ReqRepSkipsAGoneReceiverAndServesALateOne) {
  MultiClient mc;
  // Nobody reads from "a": once its queue is full it stops answering (block
  // policy), and the round-robin must still reach "b".
  auto a = std::make_unique<Receiver>(mc.receiver(Pattern::req_rep, "a"));
  Sender sender(mc.sender(Pattern::req_rep, {"a", "b"}));  // "b" has no receiver yet
  for (int i = 0; i < 3; ++i) EXPECT_EQ(sender.send(pattern_frame({4, 4}, Dtype::uint8, i)).status, SendStatus::delivered);
  Receiver b(mc.receiver(Pattern::req_rep, "b"));  // joins late
  EXPECT_TRUE(eventually([&] {
    (void)sender.send(pattern_frame({4, 4}, Dtype::uint8, 0));
    return b.stats().received > 0;
  }));
  a.reset();  // gone
  int delivered = 0;
  for (int i = 0; i < 10; ++i)
    if (sender.send(pattern_frame({4, 4}, Dtype::uint8, i)).status == SendStatus::delivered) ++delivered;
  EXPECT_GE(delivered, 8) << "frames must keep reaching the receiver that is still there";
}

TEST(MultiClient, OverTcpEveryReceiverGetsEveryPublishedFrame) {
  std::vector<std::unique_ptr<Receiver>> receivers;
  std::vector<std::string> ports;
  for (int i = 0; i < 2; ++i) {
    auto s = receiver_settings(Protocol::tcp, Pattern::pub_sub);
    s.options.multiclient_mode = true;
    receivers.push_back(std::make_unique<Receiver>(s));
    ports.push_back(port_of(receivers.back()->endpoints().front()));
  }
  auto ss = sender_settings_for(receivers.front()->endpoints().front(), Pattern::pub_sub);
  ss.port = PortSpec(ports);
  ss.options.multiclient_mode = true;
  Sender sender(ss);
  ASSERT_TRUE(sender.wait_for_receiver(10s, 2));
  ASSERT_EQ(sender.send(pattern_frame({8, 8}, Dtype::uint8, 3)).status, SendStatus::queued);
  for (auto& r : receivers) {
    auto got = r->recv_for(10s);
    ASSERT_TRUE(got);
    EXPECT_TRUE(is_pattern_frame(got->frame, 3));
  }
}

// By default a multi-client publisher waits for every receiver, not the first.
TEST(MultiClient, PubSubWaitForReceiverWaitsForEveryReceiverByDefault) {
  MultiClient mc;
  Receiver a(mc.receiver(Pattern::pub_sub, "a"));
  auto ss = mc.sender(Pattern::pub_sub, {"a", "b"});
  ss.options.request_timeout = Options{}.request_timeout;
  Sender sender(ss);
  ASSERT_TRUE(sender.wait_for_receiver(10s, 1)) << "a subscribes";
  EXPECT_FALSE(sender.wait_for_receiver(300ms)) << "b is not there yet";
  Receiver b(mc.receiver(Pattern::pub_sub, "b"));
  EXPECT_TRUE(sender.wait_for_receiver(10s));
  EXPECT_EQ(sender.stats().receivers, 2u);
}

TEST(MultiClient, PubSubSendsEveryFrameToEveryReceiver) {
  MultiClient mc;
  std::vector<std::unique_ptr<Receiver>> receivers;
  for (const char* name : {"a", "b", "c"}) receivers.push_back(std::make_unique<Receiver>(mc.receiver(Pattern::pub_sub, name)));
  auto ss = mc.sender(Pattern::pub_sub, {"a", "b", "c"});
  ss.options.request_timeout = Options{}.request_timeout;
  Sender sender(ss);
  ASSERT_TRUE(sender.wait_for_receiver(10s, 3));
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(sender.send(pattern_frame({8, 8}, Dtype::uint8, i)).status, SendStatus::queued);
    for (auto& r : receivers) {
      auto got = r->recv_for(10s);
      ASSERT_TRUE(got);
      EXPECT_TRUE(is_pattern_frame(got->frame, i));
    }
  }
  sender.close();
  for (auto& r : receivers) {
    EXPECT_FALSE(r->recv_for(10s));
    EXPECT_EQ(r->end_reason(), EndReason::terminated);
  }
}

// ---- force_terminate -------------------------------------------------------------

TEST(ForceTerminate, CloseDoesNotWaitForAnAbsentReceiver) {
  auto s = receiver_settings(Protocol::ipc, Pattern::req_rep);
  s.options.force_terminate = true;
  s.options.request_timeout = 200ms;
  Sender sender(s);
  (void)sender.send(pattern_frame({4, 4}, Dtype::uint8, 0));  // unanswered; sits in the pipe
  const auto start = std::chrono::steady_clock::now();
  sender.close();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 100ms + promise_slack()) << "forced: a 100 ms deadline";
}

TEST(ForceTerminate, ALiveReceiverStillSeesTheEnd) {
  Options force;
  force.force_terminate = true;
  Link link(Protocol::tcp, Pattern::pair, {}, force);
  ASSERT_EQ(link.sender.send(pattern_frame({4, 4}, Dtype::uint8, 0)).status, SendStatus::delivered);
  link.sender.close();
  ASSERT_TRUE(link.receiver.recv_for(10s));
  EXPECT_FALSE(link.receiver.recv_for(10s));
  EXPECT_EQ(link.receiver.end_reason(), EndReason::terminated);
}

}  // namespace
}  // namespace netgear::test
