// receiver_dials: the receiver connects and the sender binds, for every
// pattern and mode, in secure mode too (the side that binds is the CURVE
// server), and the combinations that cannot work are refused by name.
#include <gtest/gtest.h>

#include "integration/stream_support.hpp"
#include "netgear/error.hpp"
#include "netgear/keys.hpp"
#include "transport/context.hpp"

#include <thread>

namespace netgear::test {
namespace {

using namespace std::chrono_literals;

Options dials(Options o = {}) {
  o.receiver_dials = true;
  return o;
}

// A sender that binds 127.0.0.1 on any free port.
Settings listening_sender(Pattern pattern, Options options = {}) {
  Settings s;
  s.address = "127.0.0.1";
  s.port = PortSpec("0");
  s.pattern = pattern;
  s.options = dials(std::move(options));
  return s;
}

// A receiver that dials `endpoint` (a sender's, as it reported it).
Settings dialing_receiver(const std::string& endpoint, Pattern pattern, Options options = {}) {
  Settings s;
  s.address = "127.0.0.1";
  s.port = PortSpec(endpoint.substr(endpoint.rfind(':') + 1));
  s.pattern = pattern;
  s.options = dials(std::move(options));
  return s;
}

class Dial : public ::testing::TestWithParam<Pattern> {};

TEST_P(Dial, TheSenderBindsTheReceiverDialsFramesAndTheEndFlow) {
  const Pattern pattern = GetParam();
  Sender sender(listening_sender(pattern));
  const auto bound = sender.endpoints().front();
  EXPECT_NE(bound.substr(bound.rfind(':') + 1), "0") << "the wildcard port is resolved";
  Receiver receiver(dialing_receiver(bound, pattern));
  EXPECT_EQ(receiver.endpoints().front(), bound);
  if (pattern == Pattern::pub_sub) {
    ASSERT_TRUE(sender.wait_for_receiver(10s));
  }
  for (int i = 0; i < 5; ++i) {
    send_reliably(sender, pattern_frame({8, 8, 3}, Dtype::uint8, i), i);
    auto got = receiver.recv_for(10s);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->message, i);
    EXPECT_TRUE(is_pattern_frame(got->frame, i));
  }
  sender.close();
  EXPECT_FALSE(receiver.recv_for(10s));
  EXPECT_EQ(receiver.end_reason(), EndReason::terminated);
}

TEST_P(Dial, AReceiverThatDialsBeforeTheSenderListensGetsThroughOnceItDoes) {
  const Pattern pattern = GetParam();
  // Learn a free port, then free it: the receiver dials it before anyone listens.
  std::string endpoint;
  {
    const auto ctx = transport::shared_context();  // held: the last holder would terminate it
    zmq::socket_t probe(*ctx, zmq::socket_type::pair);
    probe.bind("tcp://127.0.0.1:*");
    endpoint = probe.get(zmq::sockopt::last_endpoint);
  }
  Receiver receiver(dialing_receiver(endpoint, pattern));
  auto s = listening_sender(pattern);
  s.port = PortSpec(endpoint.substr(endpoint.rfind(':') + 1));
  std::optional<Sender> bound;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!bound) {  // ZeroMQ frees the probe's port asynchronously
    try {
      bound.emplace(s);
    } catch (const SetupError&) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline);
      std::this_thread::sleep_for(10ms);
    }
  }
  Sender& sender = *bound;
  if (pattern == Pattern::pub_sub) {
    ASSERT_TRUE(sender.wait_for_receiver(10s));
  }
  send_reliably(sender, pattern_frame({8, 8, 3}, Dtype::uint8, 3), 3);
  auto got = receiver.recv_for(10s);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->message, 3);
}

INSTANTIATE_TEST_SUITE_P(Patterns, Dial, ::testing::Values(Pattern::pair, Pattern::req_rep, Pattern::pub_sub));

TEST(DialModes, BidirectionalRepliesComeBack) {
  Options o;
  o.bidirectional_mode = true;
  Sender sender(listening_sender(Pattern::req_rep, o));
  Receiver receiver(dialing_receiver(sender.endpoints().front(), Pattern::req_rep, o));
  receiver.set_return_data(nlohmann::json{{"ok", 1}});
  send_reliably(sender, pattern_frame({8, 8, 3}, Dtype::uint8, 1));
  ASSERT_TRUE(receiver.recv_for(10s));
  auto result = send_reliably(sender, pattern_frame({8, 8, 3}, Dtype::uint8, 2));
  EXPECT_EQ(result.reply, (nlohmann::json{{"ok", 1}}));
}

TEST(DialModes, AMultiServerReceiverDialsEverySenderAndKeepsTheirLabels) {
  Options o;
  o.multiserver_mode = true;
  std::vector<Sender> senders;
  std::vector<std::string> ports;
  for (int i = 0; i < 2; ++i) {
    // Its port is its label: learn a free one, then bind it by number
    // (ZeroMQ frees a closed listener's port asynchronously: retried).
    std::string free_port;
    {
      const auto ctx = transport::shared_context();  // held: the last holder would terminate it
      zmq::socket_t probe(*ctx, zmq::socket_type::pair);
      probe.bind("tcp://127.0.0.1:*");
      const std::string e = probe.get(zmq::sockopt::last_endpoint);
      free_port = e.substr(e.rfind(':') + 1);
    }
    auto s = listening_sender(Pattern::req_rep, o);
    s.port = PortSpec(free_port);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (senders.size() == static_cast<std::size_t>(i)) {
      try {
        senders.emplace_back(s);
      } catch (const SetupError&) {
        ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "port " << free_port << " never came free";
        std::this_thread::sleep_for(10ms);
      }
    }
    ports.push_back(free_port);
  }
  Settings r = dialing_receiver(senders[0].endpoints().front(), Pattern::req_rep, o);
  r.port = PortSpec(ports);
  Receiver receiver(r);
  for (int i = 0; i < 2; ++i) send_reliably(senders[i], pattern_frame({8, 8, 3}, Dtype::uint8, i), i);
  std::set<std::string> labels;
  for (int i = 0; i < 2; ++i) {
    auto got = receiver.recv_for(10s);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->port.get<std::string>(), ports[got->message.get<int>()]);
    labels.insert(got->port.get<std::string>());
  }
  EXPECT_EQ(labels.size(), 2u);
}

TEST(DialModes, OneMultiClientPublisherListensAndEveryReceiverDialsIt) {
  Options o;
  o.multiclient_mode = true;
  auto s = listening_sender(Pattern::pub_sub, o);
  s.port = PortSpec(std::vector<std::string>{"0"});
  Sender sender(s);
  std::vector<Receiver> receivers;
  for (int i = 0; i < 2; ++i) receivers.emplace_back(dialing_receiver(sender.endpoints().front(), Pattern::pub_sub, o));
  ASSERT_TRUE(sender.wait_for_receiver(10s, 2));
  send_reliably(sender, pattern_frame({8, 8, 3}, Dtype::uint8, 5), 5);
  for (auto& r : receivers) {
    auto got = r.recv_for(10s);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->message, 5);
  }
}

TEST(DialOptions, WhatCannotWorkIsRefusedByName) {
  auto tunnel = listening_sender(Pattern::pair);
  tunnel.port = PortSpec("5555");
  tunnel.options.ssh_tunnel_mode = "user@example.org";
  EXPECT_EQ(option_error_key([&] { Sender s(tunnel); }), "ssh_tunnel_mode");
  auto wildcard = dialing_receiver("tcp://127.0.0.1:0", Pattern::pair);
  EXPECT_EQ(option_error_key([&] { Receiver r(wildcard); }), "port");
  Settings plain_sender;
  plain_sender.port = PortSpec("0");
  EXPECT_EQ(option_error_key([&] { Sender s(plain_sender); }), "port");  // a sender that connects needs a port
  auto labelled = listening_sender(Pattern::req_rep);
  labelled.options.multiserver_mode = true;  // its port is its label: not "any free port"
  EXPECT_EQ(option_error_key([&] { Sender s(labelled); }), "port");
}

TEST(DialOptions, TheDefaultAddressFollowsWhoBinds) {
  Settings s;
  EXPECT_EQ(s.effective_address(Role::receiver), "*");
  EXPECT_EQ(s.effective_address(Role::sender), "localhost");
  s.options.receiver_dials = true;
  EXPECT_EQ(s.effective_address(Role::receiver), "localhost");
  EXPECT_EQ(s.effective_address(Role::sender), "*");
}

// Secure mode: the sender binds, so it is the CURVE server with the store's
// server keys; a receiver that dials is a client.
class DialSecure : public ::testing::TestWithParam<SecureMode> {
 protected:
  void SetUp() override {
    if (!curve_supported()) GTEST_SKIP() << "this libzmq has no CURVE";
    KeyStore::at(dir.str()).generate();
  }
  Options secure(const std::string& at) const {
    Options o;
    o.secure_mode = GetParam();
    o.custom_cert_location = at;
    return o;
  }
  TempDir dir;
};

TEST_P(DialSecure, TheListeningSenderIsTheCurveServer) {
  Sender sender(listening_sender(Pattern::req_rep, secure(dir.str())));
  Receiver receiver(dialing_receiver(sender.endpoints().front(), Pattern::req_rep, secure(dir.str())));
  send_reliably(sender, pattern_frame({8, 8, 3}, Dtype::uint8, 4), 4);
  auto got = receiver.recv_for(10s);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->message, 4);
}

TEST_P(DialSecure, AReceiverWithAnotherStoresKeysGetsNothing) {
  TempDir other;
  KeyStore::at(other.str()).generate();
  auto o = secure(dir.str());
  o.request_timeout = 300ms;
  o.max_retries = 1;
  Sender sender(listening_sender(Pattern::req_rep, o));
  // Its server.key is not this sender's: the handshake fails whatever the mode.
  Receiver stranger(dialing_receiver(sender.endpoints().front(), Pattern::req_rep, secure(other.str())));
  EXPECT_THROW(sender.send(pattern_frame({8, 8, 3}, Dtype::uint8, 1)), PeerLostError);
  EXPECT_EQ(stranger.stats().received, 0u);
}

INSTANTIATE_TEST_SUITE_P(Modes, DialSecure, ::testing::Values(SecureMode::stonehouse, SecureMode::ironhouse),
                         [](const auto& info) { return info.param == SecureMode::stonehouse ? "StoneHouse" : "IronHouse"; });

}  // namespace
}  // namespace netgear::test
