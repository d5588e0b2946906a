// Options and Settings: every bad key, type, value or combination names itself.
#include <gtest/gtest.h>

#include "netgear/error.hpp"
#include "netgear/options.hpp"
#include "support/test_support.hpp"

namespace netgear {
namespace {

using json = nlohmann::json;

TEST(Options, VidgearKeysSetTypedFields) {
  auto o = Options::from_json({{"copy", true},
                               {"track", true},
                               {"flag", 1},
                               {"request_timeout", 2.5},
                               {"max_retries", 5},
                               {"subscriber_timeout", 3},
                               {"compression_param", json::array({1, 90})},
                               {"jpeg_compression_quality", 75},
                               {" queue_size ", 4},
                               {"overflow_policy", "latest_only"}});
  EXPECT_TRUE(o.copy);
  EXPECT_TRUE(o.track);
  EXPECT_EQ(o.flag, 1);
  EXPECT_EQ(o.request_timeout, Milliseconds(2500));
  EXPECT_EQ(o.max_retries, 5);
  EXPECT_EQ(o.subscriber_timeout, Milliseconds(3000));
  EXPECT_EQ(o.compression_param, (std::vector<int>{1, 90}));
  EXPECT_EQ(o.jpeg_compression_quality, 75);
  EXPECT_EQ(o.queue_size, 4u);
  EXPECT_EQ(o.overflow_policy, OverflowPolicy::latest_only);
}

TEST(Options, SeedMisspellingIsAccepted) {
  Options o;
  o.set("bidectional_mode", true);
  EXPECT_TRUE(o.bidirectional_mode);
}

TEST(Options, ReceiverCompressionParamIsADecodeFlag) {
  auto o = Options::from_json({{"compression_param", -1}});
  EXPECT_EQ(o.compression_decode_flag, -1);
}

TEST(Options, JpegCompressionColorspaceString) {
  auto o = Options::from_json({{"jpeg_compression", "rgb"}});
  EXPECT_TRUE(o.jpeg_compression);
  EXPECT_EQ(o.jpeg_compression_colorspace, "RGB");
}

TEST(Options, UnknownKeyIsAnErrorNamingIt) {
  EXPECT_EQ(test::option_error_key([] { Options::from_json({{"bidirectonal_mode", true}}); }), "bidirectonal_mode");
}

TEST(Options, AnUnknownKeyNamesTheClosestKnownOne) {
  auto message = [](const json& options) { return test::error_text<OptionError>([&] { Options::from_json(options); }); };
  EXPECT_NE(message({{"queue_sizee", 3}}).find("did you mean 'queue_size'?"), std::string::npos);
  EXPECT_NE(message({{"bidirectonal_mode", true}}).find("did you mean 'bidirectional_mode'?"), std::string::npos);
  EXPECT_NE(message({{"jpeg_quality", 80}}).find("known options are: "), std::string::npos);
  EXPECT_EQ(message({{"zzz", 1}}).find("did you mean"), std::string::npos) << "no guess when nothing is close";
}

TEST(Options, WrongTypesAndRangesAreErrorsNamingTheKey) {
  EXPECT_EQ(test::option_error_key([] { Options::from_json({{"copy", 1}}); }), "copy");
  EXPECT_EQ(test::option_error_key([] { Options::from_json({{"secure_mode", 3}}); }), "secure_mode");
  EXPECT_EQ(test::option_error_key([] { Options::from_json({{"request_timeout", 0}}); }), "request_timeout");
  EXPECT_EQ(test::option_error_key([] { Options::from_json({{"request_timeout", "4"}}); }), "request_timeout");
  EXPECT_EQ(test::option_error_key([] { Options::from_json({{"jpeg_compression_quality", 5}}); }), "jpeg_compression_quality");
  EXPECT_EQ(test::option_error_key([] { Options::from_json({{"compression_format", ".gif"}}); }), "compression_format");
  EXPECT_EQ(test::option_error_key([] { Options::from_json({{"flag", 2}}); }), "flag");
  EXPECT_EQ(test::option_error_key([] { Options::from_json({{"max_retries", -2}}); }), "max_retries");
  EXPECT_EQ(test::option_error_key([] { Options::from_json({{"overflow_policy", "newest"}}); }), "overflow_policy");
  EXPECT_EQ(test::option_error_key([] { Options::from_json({{"jpeg_compression", "YUV"}}); }), "jpeg_compression");
  EXPECT_EQ(test::option_error_key([] { Options::from_json(json::array({1})); }), "options");
}

Settings settings(Pattern p, Options o = {}) {
  Settings s;
  s.pattern = p;
  s.options = std::move(o);
  return s;
}

TEST(Settings, Defaults) {
  Settings s;
  EXPECT_EQ(s.effective_address(Role::sender), "localhost");
  EXPECT_EQ(s.effective_address(Role::receiver), "*");
  EXPECT_EQ(s.effective_ports(), std::vector<std::string>{"5555"});
  EXPECT_NO_THROW(s.validate(Role::sender));
  EXPECT_NO_THROW(s.validate(Role::receiver));
}

TEST(Options, MemoryBoundsHaveSafeDefaultsAndKeys) {
  Options o;
  EXPECT_EQ(o.max_decoded_size, std::int64_t{7680} * 4320 * 3);  // 8K, 3 channels
  EXPECT_EQ(o.queue_max_bytes, std::int64_t{256} << 20);
  o = Options::from_json({{"max_decoded_size", 1000}, {"queue_max_bytes", -1}});
  EXPECT_EQ(o.max_decoded_size, 1000);
  EXPECT_EQ(o.queue_max_bytes, -1);
  EXPECT_EQ(test::option_error_key([] { Options::from_json({{"max_decoded_size", -2}}); }), "max_decoded_size");
  EXPECT_EQ(test::option_error_key([] { Options::from_json({{"queue_max_bytes", "1G"}}); }), "queue_max_bytes");
  Options zero;
  zero.max_decoded_size = 0;
  EXPECT_EQ(test::option_error_key([&] { settings(Pattern::pair, zero).validate(Role::receiver); }), "max_decoded_size");
  zero = Options{};
  zero.queue_max_bytes = 0;
  EXPECT_EQ(test::option_error_key([&] { settings(Pattern::pair, zero).validate(Role::receiver); }), "queue_max_bytes");
}

TEST(Settings, CombinationsVidgearRefusesAreErrors) {
  Options multi;
  multi.multiserver_mode = true;
  EXPECT_EQ(test::option_error_key([&] { settings(Pattern::pair, multi).validate(Role::receiver); }), "multiserver_mode");
  Options both = multi;
  both.multiclient_mode = true;
  EXPECT_EQ(test::option_error_key([&] { settings(Pattern::req_rep, both).validate(Role::receiver); }), "multiclient_mode");
  Options bidi;
  bidi.bidirectional_mode = true;
  EXPECT_EQ(test::option_error_key([&] { settings(Pattern::pub_sub, bidi).validate(Role::sender); }), "bidirectional_mode");
}

TEST(Settings, NetgearRefusesConflicts) {
  Options block;
  block.overflow_policy = OverflowPolicy::block;
  EXPECT_EQ(test::option_error_key([&] { settings(Pattern::pub_sub, block).validate(Role::receiver); }), "overflow_policy");
  auto pgm = settings(Pattern::pair);
  pgm.protocol = Protocol::pgm;
  EXPECT_EQ(test::option_error_key([&] { pgm.validate(Role::sender); }), "protocol");
  Options filter;
  filter.filter = "x";
  EXPECT_EQ(test::option_error_key([&] { settings(Pattern::pub_sub, filter).validate(Role::receiver); }), "filter");
}

TEST(Settings, PortsAreChecked) {
  auto s = settings(Pattern::pair);
  s.port = "99999";
  EXPECT_EQ(test::option_error_key([&] { s.validate(Role::receiver); }), "port");
  s.port = "*";
  EXPECT_NO_THROW(s.validate(Role::receiver));
  EXPECT_EQ(test::option_error_key([&] { s.validate(Role::sender); }), "port");
  s.port = PortSpec({5555, 5556});
  EXPECT_EQ(test::option_error_key([&] { s.validate(Role::receiver); }), "port");
  s.protocol = Protocol::ipc;
  s.port = "anything";
  EXPECT_NO_THROW(s.validate(Role::sender));
}

TEST(Settings, OptionsThatCannotActInThePatternAreRefused) {
  Options sub;
  sub.subscriber_timeout = Milliseconds(100);
  EXPECT_EQ(test::option_error_key([&] { settings(Pattern::req_rep, sub).validate(Role::receiver); }), "subscriber_timeout");
  EXPECT_NO_THROW(settings(Pattern::pub_sub, sub).validate(Role::receiver));
  Options retries;
  retries.max_retries = 7;
  EXPECT_EQ(test::option_error_key([&] { settings(Pattern::pub_sub, retries).validate(Role::sender); }), "max_retries");
  Options timeout;
  timeout.request_timeout = Milliseconds(100);
  EXPECT_EQ(test::option_error_key([&] { settings(Pattern::pub_sub, timeout).validate(Role::sender); }), "request_timeout");
}

TEST(Settings, SecureModeOptionsThatCannotActAreRefused) {
  Options secure;
  secure.secure_mode = SecureMode::stonehouse;
  EXPECT_NO_THROW(settings(Pattern::pair, secure).validate(Role::sender));
  auto inproc = settings(Pattern::pair, secure);
  inproc.protocol = Protocol::inproc;
  EXPECT_EQ(test::option_error_key([&] { inproc.validate(Role::receiver); }), "secure_mode");

  Options fenced = Options::from_json({{"allowed_addresses", json::array({"127.0.0.1", "::1"})}});
  EXPECT_EQ(fenced.allowed_addresses, (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_EQ(test::option_error_key([&] { settings(Pattern::pair, fenced).validate(Role::receiver); }), "allowed_addresses");
  fenced.secure_mode = SecureMode::ironhouse;
  EXPECT_NO_THROW(settings(Pattern::pair, fenced).validate(Role::receiver));
  EXPECT_EQ(test::option_error_key([&] { settings(Pattern::pair, fenced).validate(Role::sender); }), "allowed_addresses");
  EXPECT_EQ(test::option_error_key([] { Options::from_json({{"allowed_addresses", json::array({"localhost"})}}); }),
            "allowed_addresses");
  EXPECT_EQ(test::option_error_key([] { Options::from_json({{"allowed_addresses", "127.0.0.1"}}); }), "allowed_addresses");
}

TEST(Settings, CompressionOptionsThatCannotActAreRefused) {
  Options param = Options::from_json({{"compression_param", json::array({1, 90})}});
  EXPECT_EQ(test::option_error_key([&] { settings(Pattern::pair, param).validate(Role::sender); }), "compression_param");
  param.compression_format = ".jpg";
  EXPECT_NO_THROW(settings(Pattern::pair, param).validate(Role::sender));
  Options quality = Options::from_json({{"jpeg_compression_quality", 50}});
  EXPECT_EQ(test::option_error_key([&] { settings(Pattern::pair, quality).validate(Role::sender); }), "jpeg_compression_quality");
  quality.jpeg_compression = true;
  EXPECT_NO_THROW(settings(Pattern::pair, quality).validate(Role::sender));
  Options both = Options::from_json({{"jpeg_compression", true}, {"compression_format", ".png"}});
  EXPECT_EQ(test::option_error_key([&] { settings(Pattern::pair, both).validate(Role::sender); }), "compression_format");
}

TEST(Settings, MultiModesNeedTheRightPorts) {
  Options ms;
  ms.multiserver_mode = true;
  auto receiver = settings(Pattern::req_rep, ms);
  receiver.port = "5555";
  EXPECT_EQ(test::option_error_key([&] { receiver.validate(Role::receiver); }), "port");
  receiver.port = PortSpec({5555, 5556});
  EXPECT_NO_THROW(receiver.validate(Role::receiver));
  auto sender = settings(Pattern::req_rep, ms);
  EXPECT_EQ(test::option_error_key([&] { sender.validate(Role::sender); }), "port");  // no port given
  sender.port = 5556;
  EXPECT_NO_THROW(sender.validate(Role::sender));
  Options mc;
  mc.multiclient_mode = true;
  auto mc_sender = settings(Pattern::pub_sub, mc);
  mc_sender.port = 5556;
  EXPECT_EQ(test::option_error_key([&] { mc_sender.validate(Role::sender); }), "port");
  mc_sender.port = PortSpec({5556, 5557});
  EXPECT_NO_THROW(mc_sender.validate(Role::sender));
}

TEST(Types, ParsersNameTheValidValues) {
  EXPECT_EQ(pattern_from_int(2), Pattern::pub_sub);
  EXPECT_EQ(test::option_error_key([] { pattern_from_int(3); }), "pattern");
  EXPECT_EQ(protocol_from_string("ipc"), Protocol::ipc);
  try {
    protocol_from_string("udp");
    FAIL();
  } catch (const OptionError& e) {
    EXPECT_NE(std::string(e.what()).find("draft"), std::string::npos);
  }
  EXPECT_EQ(test::option_error_key([] { protocol_from_string("http"); }), "protocol");
}

}  // namespace
}  // namespace netgear

namespace netgear {
namespace {

TEST(Options, SenderGoneTimeoutTakesSecondsAndZeroOrNullForNever) {
  Options o;
  EXPECT_FALSE(o.sender_gone_timeout) << "unset: the receiver's default rule";
  o.set("sender_gone_timeout", 2.5);
  EXPECT_EQ(o.sender_gone_timeout, Milliseconds(2500));
  o.set("sender_gone_timeout", 0);
  EXPECT_EQ(o.sender_gone_timeout, Milliseconds(0));
  o.set("sender_gone_timeout", 3);
  o.set("sender_gone_timeout", nullptr);
  EXPECT_EQ(o.sender_gone_timeout, Milliseconds(0));
  EXPECT_EQ(test::option_error_key([&] { o.set("sender_gone_timeout", -1); }), "sender_gone_timeout");
  EXPECT_EQ(test::option_error_key([&] { o.set("sender_gone_timeout", "10"); }), "sender_gone_timeout");
  EXPECT_EQ(test::option_error_key([&] { o.set("sender_gone_timeout", true); }), "sender_gone_timeout");
}

TEST(Settings, SenderGoneTimeoutOnlyWhereConnectionsAreSeen) {
  Options o;
  o.sender_gone_timeout = Milliseconds(1000);
  EXPECT_NO_THROW(settings(Pattern::pub_sub, o).validate(Role::receiver));
  EXPECT_EQ(test::option_error_key([&] { settings(Pattern::pub_sub, o).validate(Role::sender); }), "sender_gone_timeout");
  auto inproc = settings(Pattern::pair, o);
  inproc.protocol = Protocol::inproc;
  EXPECT_EQ(test::option_error_key([&] { inproc.validate(Role::receiver); }), "sender_gone_timeout");
  o.sender_gone_timeout = Milliseconds(0);  // "never" is fine anywhere
  EXPECT_NO_THROW(settings(Pattern::pub_sub, o).validate(Role::sender));
}

}  // namespace
}  // namespace netgear
