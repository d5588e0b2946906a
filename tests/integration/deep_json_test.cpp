// JSON nested far deeper than any real message, from a hostile peer: a sender
// whose frame carries it, or a receiver that replies with it. nlohmann parses
// such text without recursion, but copying, comparing or dumping the result
// recurses once per level, so 200,000 levels used to overflow the I/O
// thread's stack. Now the text is refused before it is parsed: the frame is
// dropped and counted, the reply is taken as unreadable text; the stream goes
// on. Exactly max_json_depth levels still pass.
#include <gtest/gtest.h>

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include <future>

#include "integration/stream_support.hpp"
#include "netgear/json_limits.hpp"
#include "netgear/netgear.hpp"

namespace netgear::test {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t hostile_depth = 200'000;

std::string nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

// A vidgear-style raw frame header carrying `message` (JSON text).
std::string header_with_message(const std::string& message) {
  return R"({"terminate_flag": false, "compression": false, "message": )" + message +
         R"(, "pattern": "1", "dtype": "uint8", "shape": [2, 2]})";
}

std::size_t depth_of(const nlohmann::json& value) {  // iterative: the value may be deep
  std::size_t depth = 0;
  const nlohmann::json* at = &value;
  while (at->is_array() && !at->empty()) {
    ++depth;
    at = &at->front();
  }
  return at->is_array() ? depth + 1 : depth;
}

// A REQ peer that exchanges raw messages with a receiver.
std::string exchange(zmq::socket_t& socket, const std::vector<std::string>& parts) {
  for (std::size_t i = 0; i < parts.size(); ++i)
    socket.send(zmq::buffer(parts[i]), i + 1 < parts.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
  zmq::pollitem_t item{socket.handle(), 0, ZMQ_POLLIN, 0};
  if (zmq::poll(&item, 1, std::chrono::milliseconds(10000)) == 0) return "<no reply>";
  zmq::message_t reply;
  (void)socket.recv(reply);
  return reply.to_string();
}

TEST(DeepJson, AReceiverDropsADeepMessageAndGoesOn) {
  Receiver receiver(receiver_settings(Protocol::tcp, Pattern::req_rep));
  zmq::context_t ctx;
  zmq::socket_t peer(ctx, zmq::socket_type::req);
  peer.set(zmq::sockopt::linger, 0);
  peer.connect(receiver.endpoints().front());
  const std::vector<std::pair<std::string, bool>> messages = {
      {R"("first")", true},
      {nested(hostile_depth), false},
      {"{\"a\": " + nested(hostile_depth) + "}", false},
      {nested(max_json_depth), true},       // exactly at the limit: delivered
      {nested(max_json_depth + 1), false},  // one past it: dropped
      {R"("last")", true},
  };
  for (const auto& [message, good] : messages)
    EXPECT_EQ(exchange(peer, {header_with_message(message), "abcd"}).rfind("Data received on device", 0), 0u)
        << "no reply: did the receiver die?";

  auto first = receiver.recv_for(10s);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->message, "first");
  auto at_limit = receiver.recv_for(10s);
  ASSERT_TRUE(at_limit);
  EXPECT_EQ(depth_of(at_limit->message), max_json_depth);
  auto last = receiver.recv_for(10s);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->message, "last");
  EXPECT_EQ(last->frame.mat().at<uchar>(1, 1), 'd');
  EXPECT_EQ(receiver.stats().bad, 3u);
  EXPECT_EQ(receiver.stats().received, 3u);
  EXPECT_EQ(receiver.end_reason(), EndReason::none);
}

nlohmann::json nested_value(std::size_t depth) {  // built without recursion
  nlohmann::json value = nlohmann::json::array();
  for (std::size_t i = 1; i < depth; ++i) value = nlohmann::json::array({std::move(value)});
  return value;
}

// The application's own deep JSON is an error naming the argument, before
// anything recursive runs; at the limit it goes through.
TEST(DeepJson, TheApplicationsDeepJsonIsAnErrorNamingTheArgument) {
  NetGear client(std::string("127.0.0.1"), PortSpec(0), "tcp", 0, true, false, {{"bidirectional_mode", true}});
  Receiver& receiver = client.receiver();
  auto ss = sender_settings_for(receiver.endpoints().front(), Pattern::pair);
  ss.options.bidirectional_mode = true;
  Sender sender(ss);
  const Frame frame = pattern_frame({2, 2}, Dtype::uint8, 1);
  for (const std::size_t depth : {max_json_depth + 1, std::size_t{200'000}}) {
    auto deep = nested_value(depth);
    EXPECT_EQ(option_error_key([&] { (void)sender.send(frame, deep); }), "message");
    EXPECT_EQ(option_error_key([&] { receiver.set_return_data(std::move(deep)); }), "return_data");
    deep = nested_value(depth);
    EXPECT_EQ(option_error_key([&] { (void)client.recv(deep); }), "return_data");
  }
  receiver.set_return_data(nested_value(max_json_depth));
  auto sent = sender.send(frame, nested_value(max_json_depth));
  ASSERT_EQ(sent.status, SendStatus::delivered);
  EXPECT_EQ(depth_of(sent.reply), max_json_depth);
  auto got = receiver.recv_for(10s);
  ASSERT_TRUE(got);
  EXPECT_EQ(depth_of(got->message), max_json_depth);
}

// A raw receiver bound where a netgear Sender connects, answering each frame
// with the next of `replies` (each a list of parts).
class HostileReceiver {
 public:
  HostileReceiver(Pattern pattern, std::vector<std::vector<std::string>> replies)
      : socket_(ctx_, pattern == Pattern::pair ? zmq::socket_type::pair : zmq::socket_type::rep) {
    socket_.set(zmq::sockopt::linger, 0);
    socket_.bind("tcp://127.0.0.1:*");
    endpoint_ = socket_.get(zmq::sockopt::last_endpoint);
    done_ = std::async(std::launch::async, [this, replies = std::move(replies)] { return serve(replies); });
  }

  [[nodiscard]] const std::string& endpoint() const { return endpoint_; }
  // How many frames it answered (waits for it to finish).
  std::size_t answered() { return done_.get(); }

 private:
  std::size_t serve(const std::vector<std::vector<std::string>>& replies) {
    std::size_t n = 0;
    for (const auto& reply : replies) {
      zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
      if (zmq::poll(&item, 1, std::chrono::milliseconds(10000)) == 0) return n;
      std::vector<zmq::message_t> frame;
      (void)zmq::recv_multipart(socket_, std::back_inserter(frame));
      for (std::size_t i = 0; i < reply.size(); ++i)
        socket_.send(zmq::buffer(reply[i]), i + 1 < reply.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
      ++n;
    }
    return n;
  }

  zmq::context_t ctx_;
  zmq::socket_t socket_;
  std::string endpoint_;
  std::future<std::size_t> done_;
};

std::string data_reply(const std::string& data) { return R"({"return_type": "list", "data": )" + data + "}"; }

std::string array_reply(const std::string& shape) {
  return R"({"return_type": "ndarray", "compression": false, "array_dtype": "uint8", "array_shape": )" + shape +
         R"(, "data": null})";
}

struct HostileCase {
  Pattern pattern;
  bool bidirectional;
};

class DeepReply : public ::testing::TestWithParam<HostileCase> {};

// Replies at the limit are read; past it, and 200,000 deep, they are what any
// unreadable reply is: its text (or a timeout, if a reply-size limit cut the
// connection first). The sender survives and goes on.
TEST_P(DeepReply, ASenderTakesADeepReplyAsUnreadableAndGoesOn) {
  const auto [pattern, bidirectional] = GetParam();
  const std::vector<std::vector<std::string>> replies = {
      {data_reply(nested(max_json_depth))},
      {data_reply(nested(max_json_depth + 1))},
      {array_reply(nested(max_json_depth + 1)), "abcd"},
      {data_reply("\"fine\"")},
      {data_reply(nested(hostile_depth))},
      {array_reply(nested(hostile_depth)), "abcd"},
  };
  HostileReceiver hostile(pattern, replies);
  auto s = sender_settings_for(hostile.endpoint(), pattern);
  s.options.bidirectional_mode = bidirectional;
  s.options.request_timeout = 3000ms;
  s.options.max_retries = 10;
  Sender sender(s);
  const Frame frame = pattern_frame({2, 2}, Dtype::uint8, 1);

  auto at_limit = sender.send(frame);
  ASSERT_EQ(at_limit.status, SendStatus::delivered);
  EXPECT_EQ(depth_of(at_limit.reply), max_json_depth);
  for (int i = 0; i < 2; ++i) {
    auto past = sender.send(frame);
    ASSERT_EQ(past.status, SendStatus::delivered);
    EXPECT_EQ(past.reply, replies[static_cast<std::size_t>(i) + 1].front()) << "reply " << i + 1 << " was read as JSON";
    EXPECT_FALSE(past.reply_frame);
  }
  auto fine = sender.send(frame);
  ASSERT_EQ(fine.status, SendStatus::delivered);
  EXPECT_EQ(fine.reply, "fine");
  for (int i = 0; i < 2; ++i) {
    auto hostile_reply = sender.send(frame);
    if (hostile_reply.status == SendStatus::timed_out) continue;  // a reply-size limit may refuse it whole
    ASSERT_EQ(hostile_reply.status, SendStatus::delivered);
    EXPECT_TRUE(hostile_reply.reply.is_string());
    EXPECT_FALSE(hostile_reply.reply_frame);
  }
  EXPECT_GE(hostile.answered(), 4u);
}

INSTANTIATE_TEST_SUITE_P(Patterns, DeepReply,
                         ::testing::Values(HostileCase{Pattern::pair, false}, HostileCase{Pattern::pair, true},
                                           HostileCase{Pattern::req_rep, false}, HostileCase{Pattern::req_rep, true}),
                         [](const auto& p) {
                           return std::string(p.param.pattern == Pattern::pair ? "pair" : "reqrep") +
                                  (p.param.bidirectional ? "_bidirectional" : "");
                         });

}  // namespace
}  // namespace netgear::test
