// Senders that vanish without a termination, and peers that squat. A raw
// ZeroMQ socket plays vidgear's sender: it sends frames and closes with linger
// 0, so its termination (if any) never leaves. The receiver notices through
// its socket monitor: once every sender is gone and none is back within
// sender_gone_timeout, the stream ends (EndReason::senders_gone) after the
// frames that arrived. On PAIR, a peer that holds the one slot without sending
// while a real sender tries is logged.
#include <gtest/gtest.h>

#include <zmq.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>
#include <thread>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include "integration/stream_support.hpp"
#include "netgear/keys.hpp"

namespace netgear::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::string port_of(const std::string& endpoint) { return endpoint.substr(endpoint.rfind(':') + 1); }

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// vidgear's sender in the part that matters here: a raw PUB (SNDHWM 1, as
// vidgear sets it), PAIR or REQ that sends 2x2 uint8 frames and vanishes.
class RawSender {
 public:
  RawSender(Pattern pattern, const std::string& endpoint, std::string port_label = "")
      : pattern_(pattern), label_(std::move(port_label)), socket_(ctx_, socket_type(pattern)) {
    socket_.set(zmq::sockopt::linger, 0);
    if (pattern == Pattern::pub_sub) socket_.set(zmq::sockopt::sndhwm, 1);
    socket_.connect(endpoint);
  }

  // PUB/SUB: waits for the receiver's subscription (an XPUB sees it), so the
  // first frame does not go to nobody. Patterns 0/1: nothing to wait for.
  bool ready() {
    if (pattern_ != Pattern::pub_sub) return true;
    zmq::message_t subscription;
    return readable(10s) && socket_.recv(subscription).has_value();
  }

  // One frame whose pixels are all `seed`; patterns 0/1 read the reply.
  bool send(int seed) {
    std::string head = R"({"terminate_flag": false, "compression": false, "message": )" + std::to_string(seed) +
                       R"(, "pattern": "0", "dtype": "uint8", "shape": [2, 2])";
    if (!label_.empty()) head += R"(, "port": ")" + label_ + "\"";
    head += "}";
    const std::string pixels(4, static_cast<char>(seed));
    socket_.send(zmq::buffer(head), zmq::send_flags::sndmore);
    socket_.send(zmq::buffer(pixels), zmq::send_flags::none);
    if (pattern_ == Pattern::pub_sub) return true;
    zmq::message_t reply;
    return readable(10s) && socket_.recv(reply).has_value();
  }

  // Gone at once, saying nothing (linger 0), as a killed or careless sender.
  void vanish() { socket_.close(); }

 private:
  static zmq::socket_type socket_type(Pattern p) {
    if (p == Pattern::pub_sub) return zmq::socket_type::xpub;
    return p == Pattern::req_rep ? zmq::socket_type::req : zmq::socket_type::pair;
  }
  bool readable(std::chrono::milliseconds wait) {
    zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
    return zmq::poll(&item, 1, wait) == 1;
  }

  Pattern pattern_;
  std::string label_;
  zmq::context_t ctx_;
  zmq::socket_t socket_;
};

Settings gone_receiver(Pattern pattern, std::optional<Milliseconds> grace) {
  auto s = receiver_settings(Protocol::tcp, pattern);
  s.options.sender_gone_timeout = grace;
  return s;
}

// Takes frames until the stream ends or `deadline`; counts them.
struct Drained {
  int frames = 0;
  int bad = 0;  // a frame that is not a 2x2 frame of one sender's seed
  double ended_after_ms = -1;
};
Drained drain(Receiver& receiver, Clock::time_point since, Clock::time_point deadline) {
  Drained d;
  while (Clock::now() < deadline) {
    auto got = receiver.recv_for(100ms);
    if (got) {
      ++d.frames;
      const cv::Mat& m = got->frame.mat();
      if (m.total() != 4 || m.at<uchar>(0, 0) != got->message.get<int>()) ++d.bad;
    } else if (receiver.ended()) {
      d.ended_after_ms = ms_since(since);
      break;
    }
  }
  return d;
}

std::string pattern_id(const ::testing::TestParamInfo<Pattern>& info) {
  switch (info.param) {
    case Pattern::pair: return "pair";
    case Pattern::req_rep: return "req_rep";
    case Pattern::pub_sub: return "pub_sub";
  }
  return "unknown";
}

class SenderGone : public ::testing::TestWithParam<Pattern> {};

// The issue's case: a burst, then gone; the receiver delivers what came and ends.
TEST_P(SenderGone, AVanishedSenderEndsTheStreamAfterTheGrace) {
  const Pattern pattern = GetParam();
  auto s = gone_receiver(pattern, 1000ms);
  s.options.queue_size = 64;  // patterns 0/1: room for the whole burst, so every frame is answered
  Receiver receiver(s);
  RawSender sender(pattern, receiver.endpoints().front());
  ASSERT_TRUE(sender.ready());
  ASSERT_TRUE(sender.send(1));
  ASSERT_TRUE(receiver.recv_for(10s)) << "the first frame did not arrive";
  for (int i = 2; i < 60; ++i) ASSERT_TRUE(sender.send(i));
  sender.vanish();
  const auto gone_at = Clock::now();
  const Drained d = drain(receiver, gone_at, gone_at + 20s);
  ASSERT_GE(d.ended_after_ms, 0) << "the stream did not end within 20 s (grace 1 s)";
  EXPECT_EQ(receiver.end_reason(), EndReason::senders_gone);
  EXPECT_LT(d.ended_after_ms, 1000 + 9000) << "grace 1 s, and a generous margin";
  EXPECT_EQ(d.bad, 0);
  if (pattern != Pattern::pub_sub) {
    EXPECT_EQ(d.frames, 58) << "patterns 0/1: every frame was answered, so every one is delivered";
  }
  std::cout << "[figures] " << pattern_id({pattern, 0}) << ": " << d.frames + 1
            << " of 59 frames delivered, the stream ended "
            << d.ended_after_ms << " ms after the sender vanished (grace 1000 ms)\n";
}

INSTANTIATE_TEST_SUITE_P(Patterns, SenderGone, ::testing::Values(Pattern::pair, Pattern::req_rep, Pattern::pub_sub),
                         pattern_id);

// Nothing set: PUB/SUB, which has no silence limit, no longer waits forever.
TEST(SenderGoneDefault, PubSubEndsWithinTheDefaultTenSeconds) {
  Receiver receiver(gone_receiver(Pattern::pub_sub, std::nullopt));
  RawSender sender(Pattern::pub_sub, receiver.endpoints().front());
  ASSERT_TRUE(sender.ready());
  ASSERT_TRUE(sender.send(1));
  ASSERT_TRUE(receiver.recv_for(10s));
  sender.vanish();
  const auto gone_at = Clock::now();
  const Drained d = drain(receiver, gone_at, gone_at + 40s);
  ASSERT_GE(d.ended_after_ms, 0) << "a PUB/SUB receiver whose sender vanished is still waiting after 40 s";
  EXPECT_EQ(receiver.end_reason(), EndReason::senders_gone);
  EXPECT_GE(d.ended_after_ms, 9000) << "the default grace is 10 s";
}

TEST(SenderGoneGrace, ASenderBackWithinTheGraceContinuesTheStream) {
  constexpr auto grace = 1500ms;
  Receiver receiver(gone_receiver(Pattern::pub_sub, grace));
  {
    RawSender first(Pattern::pub_sub, receiver.endpoints().front());
    ASSERT_TRUE(first.ready());
    ASSERT_TRUE(first.send(1));
    ASSERT_TRUE(receiver.recv_for(10s));
    first.vanish();
  }
  RawSender second(Pattern::pub_sub, receiver.endpoints().front());  // the restarted sender
  ASSERT_TRUE(second.ready());
  ASSERT_TRUE(second.send(2));
  auto got = receiver.recv_for(10s);
  ASSERT_TRUE(got) << "the second sender's frame did not arrive; ended=" << receiver.ended();
  EXPECT_EQ(got->message, 2);
  EXPECT_FALSE(receiver.recv_for(2 * grace)) << "nothing more was sent";
  EXPECT_EQ(receiver.end_reason(), EndReason::none) << "the sender is back and connected";
  second.vanish();
  const auto gone_at = Clock::now();
  const Drained d = drain(receiver, gone_at, gone_at + 20s);
  EXPECT_GE(d.ended_after_ms, 0);
  EXPECT_EQ(receiver.end_reason(), EndReason::senders_gone);
}

// sender_gone_timeout = 0: wait forever. A receiver with a 1 s grace, fed and
// left the same way, ends; the one with 0 has not after twice that and more.
TEST(SenderGoneOff, ZeroWaitsForever) {
  Receiver off(gone_receiver(Pattern::pub_sub, Milliseconds(0)));
  Receiver on(gone_receiver(Pattern::pub_sub, 1000ms));
  RawSender to_off(Pattern::pub_sub, off.endpoints().front());
  RawSender to_on(Pattern::pub_sub, on.endpoints().front());
  for (auto [sender, receiver] : {std::pair<RawSender*, Receiver*>{&to_off, &off}, {&to_on, &on}}) {
    ASSERT_TRUE(sender->ready());
    ASSERT_TRUE(sender->send(1));
    ASSERT_TRUE(receiver->recv_for(10s));
  }
  to_off.vanish();
  to_on.vanish();
  const auto gone_at = Clock::now();
  const Drained d = drain(on, gone_at, gone_at + 20s);
  ASSERT_GE(d.ended_after_ms, 0) << "the receiver with a grace did not end: the test proves nothing";
  const auto until_twice_the_grace = gone_at + 2000ms - Clock::now();
  EXPECT_FALSE(off.recv_for(std::max(0ms, std::chrono::ceil<std::chrono::milliseconds>(until_twice_the_grace))));
  EXPECT_EQ(off.end_reason(), EndReason::none) << "sender_gone_timeout 0 must wait forever";
  EXPECT_EQ(off.stats().peers, 0u);
}

TEST(SenderGoneMultiServer, OneOfTwoSendersVanishingDoesNotEndTheStream) {
  auto s = receiver_settings(Protocol::tcp, Pattern::pub_sub);
  s.port = PortSpec(std::vector<std::string>{"*", "*"});
  s.options.multiserver_mode = true;
  s.options.sender_gone_timeout = 1000ms;
  Receiver receiver(s);
  const auto endpoints = receiver.endpoints();
  RawSender a(Pattern::pub_sub, endpoints[0], port_of(endpoints[0]));
  RawSender b(Pattern::pub_sub, endpoints[1], port_of(endpoints[1]));
  for (auto* sender : {&a, &b}) {
    ASSERT_TRUE(sender->ready());
    ASSERT_TRUE(sender->send(1));
    ASSERT_TRUE(receiver.recv_for(10s));
  }
  a.vanish();
  const auto a_gone = Clock::now();
  int from_b = 0;
  for (int seed = 2; ms_since(a_gone) < 2000 || from_b == 0; ++seed) {  // 2x the grace, b still streaming
    ASSERT_TRUE(b.send(seed % 100 + 2));
    if (auto got = receiver.recv_for(100ms)) from_b += got->port == port_of(endpoints[1]);
    ASSERT_EQ(receiver.end_reason(), EndReason::none) << "the stream ended while sender b was connected";
    ASSERT_LT(ms_since(a_gone), 20000) << "no frame from b";
  }
  b.vanish();
  const auto b_gone = Clock::now();
  const Drained d = drain(receiver, b_gone, b_gone + 20s);
  EXPECT_GE(d.ended_after_ms, 0);
  EXPECT_EQ(receiver.end_reason(), EndReason::senders_gone);
}

// Secure mode: a refused client is accepted, fails its handshake and
// disconnects. It never sent a frame, so it is no sender leaving: a receiver
// still waiting for its real sender must not end, and the monitor's other
// job, counting refused clients, goes on.
TEST(SenderGoneSecure, ARefusedClientLeavingDoesNotEndTheStream) {
  if (!curve_supported()) GTEST_SKIP() << "this libzmq has no CURVE";
  TempDir dir;
  KeyStore::at(dir.str()).generate();
  auto rs = gone_receiver(Pattern::pub_sub, 500ms);
  rs.options.secure_mode = SecureMode::stonehouse;
  rs.options.custom_cert_location = dir.str();
  Receiver receiver(rs);
  {
    Sender plain(sender_settings_for(receiver.endpoints().front(), Pattern::pub_sub));  // refused
    ASSERT_TRUE(eventually([&] { return receiver.stats().rejected > 0; }));
  }
  ASSERT_TRUE(eventually([&] { return receiver.stats().peers == 0; })) << "the refused client's disconnect";
  EXPECT_FALSE(receiver.recv_for(1500ms));  // 3x the grace
  EXPECT_EQ(receiver.end_reason(), EndReason::none) << "a refused client is not a sender";
  auto ss = sender_settings_for(receiver.endpoints().front(), Pattern::pub_sub);
  ss.options.secure_mode = SecureMode::stonehouse;
  ss.options.custom_cert_location = dir.str();
  Sender member(ss);
  ASSERT_TRUE(member.wait_for_receiver(10s));
  send_reliably(member, pattern_frame({4, 4}, Dtype::uint8, 1));
  ASSERT_TRUE(receiver.recv_for(10s));
  member.close();
  EXPECT_FALSE(receiver.recv_for(10s));
  EXPECT_EQ(receiver.end_reason(), EndReason::terminated);
}

// The monitor's events go through a pipe that libzmq's I/O thread, shared by
// every socket of the process, writes with a blocking send. While a receiver
// is blocked on its full queue it reads no events; a peer that connects and
// disconnects in a loop must not fill that pipe and stall every other socket.
TEST(PeerWatchFlood, ConnectionChurnWhileTheReceiverIsBlockedStallsNoOtherSocket) {
  auto s = receiver_settings(Protocol::tcp, Pattern::pair);
  s.options.queue_size = 1;  // PAIR's policy is block: the I/O thread waits for recv()
  Receiver stalled(s);
  Sender feeder(sender_settings_for(stalled.endpoints().front(), Pattern::pair));
  for (int i = 0; i < 2; ++i)  // the first fills the queue; the second is answered, then its push waits
    ASSERT_EQ(feeder.send(pattern_frame({4, 4}, Dtype::uint8, i)).status, SendStatus::delivered);

  const int port = std::stoi(port_of(stalled.endpoints().front()));
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (int i = 0; i < 1500; ++i) {  // accepted + handshake failed + disconnected: 4500 events
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    timeval limit{0, 200'000};  // connect() waits at most this once the backlog is full
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    (void)::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to);
    ::close(fd);
  }
  Link other(Protocol::tcp, Pattern::req_rep);  // the same context, so the same I/O thread
  EXPECT_EQ(other.sender.send(pattern_frame({4, 4}, Dtype::uint8, 9)).status, SendStatus::delivered)
      << "libzmq's I/O thread is stuck";
  EXPECT_TRUE(other.receiver.recv_for(10s));
}

// ---- an idle peer holding the PAIR slot ---------------------------------------

TEST(IdlePairPeer, HoldingTheSlotWhileASenderTimesOutIsLogged) {
  auto s = receiver_settings(Protocol::tcp, Pattern::pair);
  s.logging = true;
  auto sink = capture_netgear_log();
  Receiver receiver(s);

  zmq::context_t ctx;
  zmq::socket_t squatter(ctx, zmq::socket_type::pair);  // connects, never sends
  squatter.set(zmq::sockopt::linger, 0);
  // PAIR's slot goes to the first peer whose handshake completes, not the
  // first to connect: wait for the squatter's before the sender comes.
  ASSERT_EQ(zmq_socket_monitor(squatter.handle(), "inproc://squatter-events", ZMQ_EVENT_HANDSHAKE_SUCCEEDED), 0);
  zmq::socket_t events(ctx, zmq::socket_type::pair);
  events.set(zmq::sockopt::linger, 0);
  events.connect("inproc://squatter-events");
  squatter.connect(receiver.endpoints().front());
  zmq::pollitem_t item{events.handle(), 0, ZMQ_POLLIN, 0};
  ASSERT_EQ(zmq::poll(&item, 1, 10s), 1) << "the squatter's handshake did not complete";
  zmq_socket_monitor(squatter.handle(), nullptr, 0);  // no more events: none is left unsent at close
  ASSERT_TRUE(eventually([&] { return receiver.stats().peers == 1; })) << "the monitor did not see the peer";

  auto ss = sender_settings_for(receiver.endpoints().front(), Pattern::pair);
  ss.options.request_timeout = 1000ms;
  ss.options.max_retries = 1;
  Sender sender(ss);
  bool lost = false;
  try {
    lost = sender.send(pattern_frame({4, 4}, Dtype::uint8, 1)).status != SendStatus::delivered;
  } catch (const PeerLostError&) {
    lost = true;
  }
  EXPECT_TRUE(lost) << "the squatter holds the slot: the sender's frame cannot have got through";
  EXPECT_TRUE(eventually([&] { return sink->contains("has held this PAIR socket"); }, 20s)) << sink->text();
  EXPECT_GE(receiver.stats().idle_peer_warnings, 1u);
  EXPECT_TRUE(sink->contains("a peer at 127.0.0.1:")) << sink->text();
  EXPECT_TRUE(sink->contains("use pattern 1 or 2")) << sink->text();
  EXPECT_EQ(receiver.stats().received, 0u);
  sender.close();
}

// A real sender that connects first and streams is not reported, however many
// peers wait behind it, and a silent raw TCP client (no ZMTP, so no slot)
// before it does not stop its frames.
TEST(IdlePairPeer, NoWarningWhenFramesGetThrough) {
  auto s = receiver_settings(Protocol::tcp, Pattern::pair);
  s.logging = true;
  auto sink = capture_netgear_log();
  Receiver receiver(s);
  zmq::context_t ctx;
  zmq::socket_t raw_tcp(ctx, zmq::socket_type::stream);  // a plain TCP connection, speaks no ZMTP
  raw_tcp.set(zmq::sockopt::linger, 0);
  raw_tcp.connect(receiver.endpoints().front());
  ASSERT_TRUE(eventually([&] { return receiver.stats().peers == 1; }));
  auto ss = sender_settings_for(receiver.endpoints().front(), Pattern::pair);
  Sender sender(ss);
  const auto start = Clock::now();
  for (int i = 0; ms_since(start) < 4000; ++i) {  // past the 3 s after which an idle holder is reported
    ASSERT_EQ(send_reliably(sender, pattern_frame({4, 4}, Dtype::uint8, i % 100)).status, SendStatus::delivered);
    ASSERT_TRUE(receiver.recv_for(10s));
    std::this_thread::sleep_for(50ms);  // a frame rate, not a wait for a connection
  }
  EXPECT_FALSE(sink->contains("has held this PAIR socket")) << sink->text();
  EXPECT_EQ(receiver.stats().idle_peer_warnings, 0u);
}

}  // namespace
}  // namespace netgear::test
