// The receiver's socket-free parts: the message handler (header -> frame |
// termination | rejected, the multi-server roster and filter), the reply
// policy, and the silence limit. No ZeroMQ socket: messages are built here.
#include <gtest/gtest.h>

#include <spdlog/sinks/null_sink.h>

#include "receiver/message_handler.hpp"
#include "receiver/reply_policy.hpp"
#include "receiver/silence.hpp"

namespace netgear::detail {
namespace {

using namespace std::chrono_literals;

std::string frame_header(const std::string& port = "") {
  return R"({"terminate_flag": false, "compression": false, "message": {"n": 7}, "pattern": "1", "dtype": "uint8", )"
         R"("shape": [2, 2])" +
         (port.empty() ? "" : R"(, "port": )" + port) + "}";
}

std::string termination(const std::string& port = "") {
  return R"({"terminate_flag": true)" + (port.empty() ? "" : R"(, "port": )" + port) + "}";
}

std::vector<zmq::message_t> parts_of(const std::string& header, const std::string& payload) {
  std::vector<zmq::message_t> parts;
  parts.emplace_back(header.data(), header.size());
  parts.emplace_back(payload.data(), payload.size());
  return parts;
}

Settings settings(Pattern pattern, Options options = {}) {
  Settings s;
  s.pattern = pattern;
  s.options = std::move(options);
  return s;
}

// One message through both steps, as the I/O thread runs them.
std::variant<Received, Rejected, Filtered, Skipped> frame_through(MessageHandler& handler, const std::string& header,
                                                         const std::string& payload = "abcd") {
  auto parts = parts_of(header, payload);
  auto read = handler.read_header(parts.front().to_string_view());
  if (auto* r = std::get_if<Rejected>(&read)) return *r;
  return handler.take_frame(std::get<wire::FrameHeader>(read), parts, parts.size());
}

TEST(MessageHandler, DecodesAFrameWithItsMessage) {
  const auto s = settings(Pattern::req_rep);
  MessageHandler handler(s, {"5555"});
  auto outcome = frame_through(handler, frame_header());
  ASSERT_TRUE(std::holds_alternative<Received>(outcome));
  const auto& got = std::get<Received>(outcome);
  EXPECT_EQ(got.frame.shape(), (std::vector<std::size_t>{2, 2}));
  EXPECT_EQ(got.message, (nlohmann::json{{"n", 7}}));
}

TEST(MessageHandler, RejectsWhatIsMalformedWithAReason) {
  const auto s = settings(Pattern::req_rep);
  MessageHandler handler(s, {"5555"});
  EXPECT_TRUE(std::holds_alternative<Rejected>(handler.read_header("not json")));
  auto wrong_size = frame_through(handler, frame_header(), "abc");
  ASSERT_TRUE(std::holds_alternative<Rejected>(wrong_size));
  EXPECT_FALSE(std::get<Rejected>(wrong_size).why.empty());
  auto parts = parts_of(frame_header(), "abcd");
  auto header = std::get<wire::FrameHeader>(handler.read_header(parts.front().to_string_view()));
  auto three = handler.take_frame(header, parts, 3);
  ASSERT_TRUE(std::holds_alternative<Rejected>(three));
  EXPECT_NE(std::get<Rejected>(three).why.find("3 parts"), std::string::npos);
}

TEST(MessageHandler, ATerminationEndsASingleSenderStream) {
  const auto s = settings(Pattern::pair);
  MessageHandler handler(s, {"5555"});
  auto read = handler.read_header(termination());
  ASSERT_TRUE(std::holds_alternative<wire::Termination>(read));
  auto outcome = handler.take_termination(std::get<wire::Termination>(read));
  EXPECT_TRUE(std::get<Terminated>(outcome).ends);
}

TEST(MessageHandler, MultiServerEndsWhenEverySenderThatStreamedHasTerminated) {
  Options o;
  o.multiserver_mode = true;
  const auto s = settings(Pattern::pub_sub, o);
  MessageHandler handler(s, {"5566", "5567"});
  EXPECT_TRUE(std::holds_alternative<Rejected>(frame_through(handler, frame_header())))  // no port label
      << "multi-server frames must say which sender they come from";
  EXPECT_TRUE(std::holds_alternative<Rejected>(frame_through(handler, frame_header("[1]"))));
  ASSERT_TRUE(std::holds_alternative<Received>(frame_through(handler, frame_header("5566"))));
  ASSERT_TRUE(std::holds_alternative<Received>(frame_through(handler, frame_header(R"("5567")"))));
  auto end = [&](const std::string& port) {
    auto read = handler.read_header(termination(port));
    return std::get<Terminated>(handler.take_termination(std::get<wire::Termination>(read))).ends;
  };
  EXPECT_FALSE(end("5566"));
  EXPECT_TRUE(end(R"("5567")")) << "5567 and \"5567\" are the same sender";
}

TEST(MessageHandler, MultiServerFilterKeepsOneSender) {
  Options o;
  o.multiserver_mode = true;
  o.filter = "5566";
  const auto s = settings(Pattern::pub_sub, o);
  MessageHandler handler(s, {"5566", "5567"});
  EXPECT_TRUE(std::holds_alternative<Filtered>(frame_through(handler, frame_header("5567"))));
  EXPECT_TRUE(std::holds_alternative<Received>(frame_through(handler, frame_header("5566"))));
}

struct Policy {
  Settings s;
  std::shared_ptr<spdlog::logger> log = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
  ReplyPolicy policy{s, "6000", *log};
  explicit Policy(Settings settings) : s(std::move(settings)) {}
};

TEST(ReplyPolicy, PubSubNeverAnswers) {
  Policy p(settings(Pattern::pub_sub));
  EXPECT_FALSE(p.policy.to_frame(nullptr));
  EXPECT_FALSE(p.policy.to_termination());
}

TEST(ReplyPolicy, PlainRepliesAreVidgearsTextAndTheSameEachTime) {
  Policy p(settings(Pattern::pair));
  auto first = p.policy.to_frame(nullptr);
  ASSERT_TRUE(first);
  const std::string text(first->head);
  EXPECT_EQ(text.rfind("Data received on device: ", 0), 0u) << text;
  EXPECT_EQ(std::string(p.policy.to_frame(nullptr)->head), text);
  EXPECT_FALSE(p.policy.to_termination()) << "PAIR does not acknowledge a termination";
  Policy rep(settings(Pattern::req_rep));
  ASSERT_TRUE(rep.policy.to_termination());
}

TEST(ReplyPolicy, BidirectionalRepliesCarryTheReturnDataAndMultiClientThePort) {
  Options o;
  o.bidirectional_mode = true;
  o.multiclient_mode = true;
  Policy p(settings(Pattern::req_rep, o));
  p.policy.set_return(nlohmann::json{{"k", 1}});
  auto reply = p.policy.to_frame(nullptr);
  ASSERT_TRUE(reply);
  const auto value = nlohmann::json::parse(reply->head);
  EXPECT_EQ(value["data"], (nlohmann::json{{"k", 1}}));
  EXPECT_EQ(value["port"], "6000");
  EXPECT_FALSE(reply->payload);
}

TEST(ReplyPolicy, AReturnedFrameGoesOnlyToSendersThatReadOne) {
  Options o;
  o.bidirectional_mode = true;
  Policy p(settings(Pattern::pair, o));
  p.policy.set_return(Frame(cv::Mat(2, 3, CV_8UC1, cv::Scalar(9))));
  wire::FrameHeader netgear_sender;
  netgear_sender.seq = 1;
  auto reply = p.policy.to_frame(&netgear_sender);
  ASSERT_TRUE(reply && reply->payload);
  EXPECT_EQ(reply->payload->size(), 6u);
  wire::FrameHeader old_sender;  // vidgear 0.1.x: raw frames say "compression": ""
  old_sender.compression.raw_as_string = true;
  auto plain = p.policy.to_frame(&old_sender);
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->payload);
  EXPECT_TRUE(nlohmann::json::parse(plain->head)["data"].is_null());
}

TEST(SilenceLimit, FollowsTheOptionsAndSaturates) {
  Settings s = settings(Pattern::pair);
  s.options.request_timeout = 100ms;
  s.options.max_retries = 2;
  EXPECT_EQ(silence_limit(s), Milliseconds(600));
  s.options.max_retries = -1;
  EXPECT_FALSE(silence_limit(s));
  s.options.receive_timeout = 50ms;
  EXPECT_EQ(silence_limit(s), Milliseconds(50));
  s.options.receive_timeout.reset();
  s.options.request_timeout = std::chrono::seconds(10'000'000);
  s.options.max_retries = 1'000'000;
  EXPECT_EQ(silence_limit(s), max_silence);
  EXPECT_EQ(saturating_times(Milliseconds(std::numeric_limits<std::int64_t>::max()), 3), max_silence);
  EXPECT_EQ(saturating_times(Milliseconds(7), 0), Milliseconds(0));
  Settings pubsub = settings(Pattern::pub_sub);
  EXPECT_FALSE(silence_limit(pubsub));
}

}  // namespace
}  // namespace netgear::detail
