// Secure mode over real tcp sockets with real CURVE keys: who gets in, who
// does not, and that refused peers never reach recv() nor stop the stream.
#include <gtest/gtest.h>

#include <fstream>

#include "integration/stream_support.hpp"
#include "netgear/error.hpp"
#include "netgear/keys.hpp"

namespace netgear::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// Secure mode needs a libzmq with CURVE; without one these tests skip (the
// error itself is tested in unit/keys_test.cpp).
void skip_without_curve() {
  if (!curve_supported()) GTEST_SKIP() << "this libzmq has no CURVE";
}

class SecureRefusal : public ::testing::Test {
 protected:
  void SetUp() override { skip_without_curve(); }
};
class SecureStore : public SecureRefusal {};

// A key store in its own temp folder.
struct Store {
  TempDir dir;
  KeyStore keys = KeyStore::at(dir.str());
  Store() { keys.generate(); }
};

Options secure(SecureMode mode, const Store& store) {
  Options o;
  o.secure_mode = mode;
  o.custom_cert_location = store.dir.str();
  return o;
}

Receiver secure_receiver(Pattern pattern, Options options, Protocol protocol = Protocol::tcp) {
  auto s = receiver_settings(protocol, pattern);
  s.options = std::move(options);
  return Receiver(s);
}

Settings sender_to(const Receiver& receiver, Pattern pattern, Options options) {
  auto s = sender_settings_for(receiver.endpoints().front(), pattern);
  s.options = std::move(options);
  return s;
}

// A sender that gives up fast: refused senders are expected to time out.
Options impatient(Options o) {
  o.request_timeout = 300ms;
  o.max_retries = 2;
  return o;
}

// A second store whose sender knows the first store's server key but has its
// own client key: the CURVE handshake works, only IronHouse can refuse it.
struct ForeignClient {
  Store store;
  explicit ForeignClient(const Store& receiver_store) {
    fs::copy_file(receiver_store.keys.public_file("server"), store.keys.public_file("server"),
                  fs::copy_options::overwrite_existing);
  }
};

// Sends frames from `sender` and checks every one arrives intact.
void expect_stream(Receiver& receiver, Sender& sender, Pattern pattern, int frames = 5) {
  if (pattern == Pattern::pub_sub) {
    ASSERT_TRUE(sender.wait_for_receiver(10s));
  }
  for (int i = 0; i < frames; ++i) {
    auto result = send_reliably(sender, pattern_frame({48, 64, 3}, Dtype::uint8, i), i);
    if (pattern != Pattern::pub_sub) {
      ASSERT_EQ(result.status, SendStatus::delivered) << "frame " << i;
    }
    auto got = receiver.recv_for(10s);
    ASSERT_TRUE(got) << "frame " << i;
    EXPECT_TRUE(is_pattern_frame(got->frame, i));
    EXPECT_EQ(got->message, i);
  }
}

// --- failure paths ---------------------------------------------------------

TEST_F(SecureRefusal, IronHouseRefusesAClientKeyNotInTheStoreAndServesTheOthers) {
  Store store;
  ForeignClient foreign(store);
  Receiver receiver = secure_receiver(Pattern::req_rep, secure(SecureMode::ironhouse, store));
  Sender intruder(sender_to(receiver, Pattern::req_rep, impatient(secure(SecureMode::ironhouse, foreign.store))));

  EXPECT_EQ(intruder.send(pattern_frame({8, 8}, Dtype::uint8, 0)).status, SendStatus::timed_out);
  EXPECT_TRUE(eventually([&] { return receiver.stats().rejected > 0; }));
  try {
    (void)intruder.send(pattern_frame({8, 8}, Dtype::uint8, 1));  // must throw
    ADD_FAILURE() << "the refused sender did not give up";
  } catch (const PeerLostError& e) {
    EXPECT_NE(std::string(e.what()).find("refused this sender's CURVE key"), std::string::npos) << e.what();
  }

  Sender member(sender_to(receiver, Pattern::req_rep, secure(SecureMode::ironhouse, store)));
  expect_stream(receiver, member, Pattern::req_rep);
  EXPECT_EQ(receiver.stats().received, 5u);  // nothing of the intruder's
  EXPECT_EQ(receiver.stats().bad, 0u);
}

TEST_F(SecureRefusal, StoneHouseAdmitsAForeignClientKeyButIronHouseDoesNot) {
  Store store;
  ForeignClient foreign(store);
  Receiver stone = secure_receiver(Pattern::pair, secure(SecureMode::stonehouse, store));
  Sender sender(sender_to(stone, Pattern::pair, secure(SecureMode::stonehouse, foreign.store)));
  expect_stream(stone, sender, Pattern::pair);
  EXPECT_EQ(stone.stats().rejected, 0u);
}

TEST_F(SecureRefusal, AClientWithTheWrongServerKeyGetsNothingThrough) {
  Store store, other;
  Receiver receiver = secure_receiver(Pattern::req_rep, secure(SecureMode::stonehouse, store));
  Sender wrong(sender_to(receiver, Pattern::req_rep, impatient(secure(SecureMode::stonehouse, other))));
  EXPECT_EQ(wrong.send(pattern_frame({8, 8}, Dtype::uint8, 0)).status, SendStatus::timed_out);
  EXPECT_TRUE(eventually([&] { return receiver.stats().rejected > 0; }));
  EXPECT_FALSE(receiver.recv_for(100ms));

  Sender right(sender_to(receiver, Pattern::req_rep, secure(SecureMode::stonehouse, store)));
  expect_stream(receiver, right, Pattern::req_rep);
  EXPECT_EQ(receiver.stats().received, 5u);
}

TEST_F(SecureRefusal, APlainClientGetsNothingFromASecureReceiver) {
  Store store;
  Receiver receiver = secure_receiver(Pattern::pub_sub, secure(SecureMode::stonehouse, store));
  Sender plain(sender_to(receiver, Pattern::pub_sub, {}));
  EXPECT_TRUE(eventually([&] { return receiver.stats().rejected > 0; }));
  EXPECT_FALSE(plain.wait_for_receiver(300ms));  // never subscribed to it
  (void)plain.send(pattern_frame({8, 8}, Dtype::uint8, 0));  // whatever it says, nothing may arrive
  EXPECT_FALSE(receiver.recv_for(200ms));

  Sender member(sender_to(receiver, Pattern::pub_sub, secure(SecureMode::stonehouse, store)));
  expect_stream(receiver, member, Pattern::pub_sub);
}

TEST_F(SecureRefusal, ASecureClientGetsNothingFromAPlainReceiver) {
  Store store;
  Receiver plain = secure_receiver(Pattern::req_rep, {});
  Sender sender(sender_to(plain, Pattern::req_rep, impatient(secure(SecureMode::stonehouse, store))));
  EXPECT_EQ(sender.send(pattern_frame({8, 8}, Dtype::uint8, 0)).status, SendStatus::timed_out);
  EXPECT_FALSE(plain.recv_for(100ms));
}

TEST_F(SecureRefusal, AnAddressOutsideAllowedAddressesIsRefused) {
  Store store;
  Options fenced = secure(SecureMode::stonehouse, store);
  fenced.allowed_addresses = {"192.0.2.10"};
  Receiver receiver = secure_receiver(Pattern::req_rep, fenced);
  Sender sender(sender_to(receiver, Pattern::req_rep, impatient(secure(SecureMode::stonehouse, store))));
  EXPECT_EQ(sender.send(pattern_frame({8, 8}, Dtype::uint8, 0)).status, SendStatus::timed_out);
  EXPECT_TRUE(eventually([&] { return receiver.stats().rejected > 0; }));

  fenced.allowed_addresses = {"192.0.2.10", "127.0.0.1"};
  Receiver open = secure_receiver(Pattern::req_rep, fenced);
  Sender admitted(sender_to(open, Pattern::req_rep, secure(SecureMode::stonehouse, store)));
  expect_stream(open, admitted, Pattern::req_rep, 2);
}

TEST_F(SecureRefusal, AMalformedOrMissingKeyFileIsNamed) {
  Store store;
  std::ofstream(store.keys.secret_file("server")) << "metadata\ncurve\n    public-key = \"short\"\n";
  auto text = setup_error([&] { secure_receiver(Pattern::pair, secure(SecureMode::stonehouse, store)); });
  EXPECT_NE(text.find(store.keys.secret_file("server").string()), std::string::npos) << text;

  fs::remove(store.keys.public_file("server"));
  text = setup_error([&] { Sender(sender_settings_for("tcp://127.0.0.1:9", Pattern::pair)); });
  EXPECT_EQ(text, "");  // plain senders never look at keys
  auto s = sender_settings_for("tcp://127.0.0.1:9", Pattern::pair);
  s.options = secure(SecureMode::stonehouse, store);
  text = setup_error([&] { Sender sender(s); });
  EXPECT_NE(text.find(store.keys.public_file("server").string()), std::string::npos) << text;
  EXPECT_NE(text.find("is missing"), std::string::npos) << text;
}

// --- the key store as the library uses it -----------------------------------

TEST_F(SecureStore, AMissingStoreIsGeneratedAndThenReused) {
  TempDir dir;
  Options o;
  o.secure_mode = SecureMode::ironhouse;
  o.custom_cert_location = dir.str();
  Receiver receiver = secure_receiver(Pattern::pair, o);
  const KeyStore store = KeyStore::at(dir.str());
  ASSERT_TRUE(store.exists());
  const auto server = store.public_key("server");
  Sender sender(sender_to(receiver, Pattern::pair, o));
  EXPECT_EQ(store.public_key("server"), server);  // reused, not regenerated
  expect_stream(receiver, sender, Pattern::pair, 2);
}

TEST_F(SecureStore, OverwriteCertRegeneratesOnASenderOnly) {
  Store store;
  const auto before = store.keys.public_key("server");
  Options o = secure(SecureMode::stonehouse, store);
  o.overwrite_cert = true;
  Receiver receiver = secure_receiver(Pattern::pair, o);  // ignored here, as vidgear
  EXPECT_EQ(store.keys.public_key("server"), before);
  Sender sender(sender_to(receiver, Pattern::pair, impatient(o)));
  EXPECT_NE(store.keys.public_key("server"), before);
  // The receiver still holds the old server key: the new one cannot reach it.
  EXPECT_EQ(sender.send(pattern_frame({8, 8}, Dtype::uint8, 0)).status, SendStatus::timed_out);
}

TEST_F(SecureStore, AClientKeyAddedToTheStoreIsAdmittedByIronHouse) {
  Store store;
  ForeignClient guest(store);
  store.keys.add_client("guest", guest.store.keys.public_key("client"));
  Receiver receiver = secure_receiver(Pattern::req_rep, secure(SecureMode::ironhouse, store));
  Sender sender(sender_to(receiver, Pattern::req_rep, secure(SecureMode::ironhouse, guest.store)));
  expect_stream(receiver, sender, Pattern::req_rep, 2);
}

// --- every pattern, both levels, and the multi modes -------------------------

class SecureStream : public ::testing::TestWithParam<std::tuple<Protocol, Pattern, SecureMode>> {
 protected:
  void SetUp() override { skip_without_curve(); }
};

TEST_P(SecureStream, FramesAndTheEndOfStreamArrive) {
  auto [protocol, pattern, mode] = GetParam();
  Store store;
  Receiver receiver = secure_receiver(pattern, secure(mode, store), protocol);
  {
    Sender sender(sender_to(receiver, pattern, secure(mode, store)));
    expect_stream(receiver, sender, pattern);
  }
  EXPECT_FALSE(receiver.recv_for(10s));
  EXPECT_EQ(receiver.end_reason(), EndReason::terminated);
  EXPECT_EQ(receiver.stats().rejected, 0u);
}

INSTANTIATE_TEST_SUITE_P(Levels, SecureStream,
                         ::testing::Combine(::testing::Values(Protocol::tcp, Protocol::ipc),
                                            ::testing::Values(Pattern::pair, Pattern::req_rep, Pattern::pub_sub),
                                            ::testing::Values(SecureMode::stonehouse, SecureMode::ironhouse)));

std::string port_of(const std::string& endpoint) { return endpoint.substr(endpoint.rfind(':') + 1); }

class SecureMulti : public ::testing::TestWithParam<Pattern> {
 protected:
  void SetUp() override { skip_without_curve(); }
};

TEST_P(SecureMulti, MultiServerTakesFramesFromEverySecureSender) {
  const Pattern pattern = GetParam();
  Store store;
  Options o = secure(SecureMode::ironhouse, store);
  o.multiserver_mode = true;
  auto rs = receiver_settings(Protocol::tcp, pattern);
  rs.port = PortSpec(std::vector<std::string>{"0", "0"});
  rs.options = o;
  Receiver receiver(rs);
  ASSERT_EQ(receiver.endpoints().size(), 2u);
  std::vector<std::unique_ptr<Sender>> senders;
  for (const auto& endpoint : receiver.endpoints()) {
    auto s = sender_settings_for(endpoint, pattern);
    s.port = port_of(endpoint);
    s.options = o;
    senders.push_back(std::make_unique<Sender>(s));
  }
  for (std::size_t k = 0; k < senders.size(); ++k) {
    expect_stream(receiver, *senders[k], pattern, 2);
  }
  senders.clear();
  EXPECT_FALSE(receiver.recv_for(10s));
  EXPECT_EQ(receiver.end_reason(), EndReason::terminated);
}

TEST_P(SecureMulti, MultiClientReachesEverySecureReceiver) {
  const Pattern pattern = GetParam();
  Store store;
  Options o = secure(SecureMode::ironhouse, store);
  o.multiclient_mode = true;
  std::vector<std::unique_ptr<Receiver>> receivers;
  std::vector<std::string> ports;
  for (int k = 0; k < 2; ++k) {
    auto rs = receiver_settings(Protocol::tcp, pattern);
    rs.port = "0";
    rs.options = o;
    receivers.push_back(std::make_unique<Receiver>(rs));
    ports.push_back(port_of(receivers.back()->endpoints().front()));
  }
  auto ss = sender_settings_for(receivers.front()->endpoints().front(), pattern);
  ss.port = PortSpec(ports);
  ss.options = o;
  Sender sender(ss);
  if (pattern == Pattern::pub_sub) {
    ASSERT_TRUE(sender.wait_for_receiver(10s, 2));
  }
  for (int i = 0; i < 4; ++i) send_reliably(sender, pattern_frame({16, 16, 3}, Dtype::uint8, i), i);
  for (auto& r : receivers) {
    auto got = r->recv_for(10s);
    ASSERT_TRUE(got);
    EXPECT_EQ(r->stats().rejected, 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(Patterns, SecureMulti, ::testing::Values(Pattern::req_rep, Pattern::pub_sub));

}  // namespace
}  // namespace netgear::test
