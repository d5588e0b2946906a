// Each option field has one rule (range, name, enum value), and both ways of
// giving it meet that rule: a typed Settings built in C++ is refused by
// Settings::validate (so by every Sender and Receiver) with the same
// OptionError key as the key/value form (Options::set, `-o key=value`).
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "codec/image.hpp"
#include "codec/jpeg.hpp"
#include "frame_codec.hpp"
#include "netgear/error.hpp"
#include "netgear/options.hpp"
#include "netgear/receiver.hpp"
#include "netgear/sender.hpp"
#include "support/test_support.hpp"
#include "wire/compression_names.hpp"
#include "wire/header.hpp"

namespace netgear {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// One bad value of one field, given both ways.
struct BadValue {
  std::string key;
  json value;                               // through Options::set
  std::function<void(Options&)> set_typed;  // the same value, typed
};

std::vector<BadValue> bad_values() {
  return {
      {"queue_size", 0, [](Options& o) { o.queue_size = 0; }},
      {"queue_size", 1'000'001, [](Options& o) { o.queue_size = 1'000'001; }},
      {"request_timeout", 0, [](Options& o) { o.request_timeout = 0ms; }},
      {"request_timeout", -2, [](Options& o) { o.request_timeout = -2000ms; }},
      {"request_timeout", 1e7 + 1, [](Options& o) { o.request_timeout = Milliseconds(10'000'001'000); }},
      {"flag", 7, [](Options& o) { o.flag = 7; }},
      {"flag", -1, [](Options& o) { o.flag = -1; }},
      {"max_retries", -2, [](Options& o) { o.max_retries = -2; }},
      {"max_retries", 1'000'001, [](Options& o) { o.max_retries = 1'000'001; }},
      {"encode_threads", 500, [](Options& o) { o.encode_threads = 500; }},
      {"encode_threads", 0, [](Options& o) { o.encode_threads = 0; }},
      {"jpeg_compression_quality", 0, [](Options& o) { o.jpeg_compression_quality = 0; }},
      {"jpeg_compression_quality", 101, [](Options& o) { o.jpeg_compression_quality = 101; }},
      {"jpeg_compression_colorspace", "YUV", [](Options& o) { o.jpeg_compression_colorspace = "YUV"; }},
      {"jpeg_compression_colorspace", "", [](Options& o) { o.jpeg_compression_colorspace = ""; }},
      {"compression_format", ".gif", [](Options& o) { o.compression_format = ".gif"; }},
      {"compression_format", "jpg", [](Options& o) { o.compression_format = "jpg"; }},
      {"max_message_size", -7, [](Options& o) { o.max_message_size = -7; }},
      {"max_message_size", 0, [](Options& o) { o.max_message_size = 0; }},
      {"max_decoded_size", -7, [](Options& o) { o.max_decoded_size = -7; }},
      {"max_decoded_size", 0, [](Options& o) { o.max_decoded_size = 0; }},
      {"queue_max_bytes", -7, [](Options& o) { o.queue_max_bytes = -7; }},
      {"queue_max_bytes", 0, [](Options& o) { o.queue_max_bytes = 0; }},
      {"secure_mode", 3, [](Options& o) { o.secure_mode = static_cast<SecureMode>(3); }},
      {"secure_mode", -1, [](Options& o) { o.secure_mode = static_cast<SecureMode>(-1); }},
      {"overflow_policy", "newest", [](Options& o) { o.overflow_policy = static_cast<OverflowPolicy>(9); }},
      {"subscriber_timeout", 0, [](Options& o) { o.subscriber_timeout = 0ms; }},
      {"subscriber_timeout", 1e8, [](Options& o) { o.subscriber_timeout = Milliseconds(100'000'000'000); }},
      {"receive_timeout", -1, [](Options& o) { o.receive_timeout = -1000ms; }},
      {"receive_timeout", 0, [](Options& o) { o.receive_timeout = 0ms; }},
      {"sender_gone_timeout", -1, [](Options& o) { o.sender_gone_timeout = -1000ms; }},
      {"sender_gone_timeout", 1e8, [](Options& o) { o.sender_gone_timeout = Milliseconds(100'000'000'000); }},
      {"allowed_addresses", json::array({"localhost"}),
       [](Options& o) { o.allowed_addresses = {"localhost"}; }},
  };
}

TEST(SettingsFieldRules, EveryBadValueIsRefusedTheSameWayTypedAndAsKeyValue) {
  for (const auto& bad : bad_values()) {
    SCOPED_TRACE(bad.key + " = " + bad.value.dump());
    Options keyed;
    EXPECT_EQ(test::option_error_key([&] { keyed.set(bad.key, bad.value); }), bad.key);

    Settings typed;
    bad.set_typed(typed.options);
    EXPECT_EQ(test::option_error_key([&] { typed.options.validate(); }), bad.key);
    for (Role role : {Role::sender, Role::receiver})
      EXPECT_EQ(test::option_error_key([&] { typed.validate(role); }), bad.key) << (role == Role::sender ? "sender" : "receiver");
  }
}

TEST(SettingsFieldRules, TypedAndKeyValueGiveTheSameProblemText) {
  for (const auto& bad : bad_values()) {
    SCOPED_TRACE(bad.key + " = " + bad.value.dump());
    if (bad.key == "overflow_policy") continue;  // a name cannot be typed as an enum out of range
    Options keyed, typed;
    bad.set_typed(typed);
    const std::string from_key = test::error_text<OptionError>([&] { keyed.set(bad.key, bad.value); });
    const std::string from_type = test::error_text<OptionError>([&] { typed.validate(); });
    EXPECT_EQ(from_key, from_type);
  }
}

TEST(SettingsFieldRules, RefusedKeyValueLeavesTheFieldAsItWas) {
  Options o;
  EXPECT_EQ(test::option_error_key([&] { o.set("flag", 7); }), "flag");
  EXPECT_EQ(o.flag, 0);
  EXPECT_EQ(test::option_error_key([&] { o.set("flag", 4294967297LL); }), "flag") << "2^32 + 1 must not wrap to 1";
  EXPECT_EQ(o.flag, 0);
  EXPECT_EQ(test::option_error_key([&] { o.set("secure_mode", 4294967297LL); }), "secure_mode");
  EXPECT_EQ(o.secure_mode, SecureMode::grasslands);
}

TEST(SettingsFieldRules, TheBoundsThemselvesAreAccepted) {
  Settings s;
  s.options.queue_size = 1'000'000;
  s.options.request_timeout = Milliseconds(10'000'000'000);  // 1e7 s
  s.options.max_retries = 1'000'000;
  s.options.flag = 1;
  s.options.max_message_size = -1;
  s.options.max_decoded_size = -1;
  s.options.queue_max_bytes = 1;
  s.options.receive_timeout = 1ms;
  s.options.sender_gone_timeout = 0ms;  // never
  EXPECT_NO_THROW(s.validate(Role::receiver));
  s.options.jpeg_compression = true;
  s.options.jpeg_compression_quality = 10;
  s.options.jpeg_compression_colorspace = "rgbx";  // names are case-insensitive, as the key form
  s.options.encode_threads = 16;
  s.options.flag = 0;  // encode_threads > 1 cannot be combined with flag=1
  s.options.max_retries = 3;
  EXPECT_NO_THROW(s.validate(Role::sender));
  s.options.jpeg_compression = false;
  s.options.jpeg_compression_quality = 90;
  s.options.jpeg_compression_colorspace = "BGR";
  s.options.compression_format = ".JPG";
  EXPECT_NO_THROW(s.validate(Role::sender));
}

// The longest key/value timeouts, multiplied as the receiver's default
// silence limit does (3 x request_timeout x max_retries), stay in range.
TEST(SettingsFieldRules, LargestTimeoutsCannotOverflowTheDefaultSilenceLimit) {
  Options o;
  o.set("request_timeout", 1e7);
  o.set("max_retries", 1'000'000);
  EXPECT_LE(o.request_timeout.count(), std::numeric_limits<Milliseconds::rep>::max() / 3 / o.max_retries);
}

TEST(SettingsFieldRules, PatternAndProtocolOutOfRangeAreRefused) {
  Settings s;
  s.pattern = static_cast<Pattern>(7);
  EXPECT_EQ(test::option_error_key([&] { s.validate(Role::sender); }), "pattern");
  s.pattern = Pattern::pair;
  s.protocol = static_cast<Protocol>(9);
  EXPECT_EQ(test::option_error_key([&] { s.validate(Role::receiver); }), "protocol");
}

TEST(SettingsFieldRules, SenderAndReceiverRefuseABadTypedValue) {
  auto sender = test::sender_settings_for("inproc://settings-rules-nobody", Pattern::pair);
  sender.options.flag = 7;
  EXPECT_EQ(test::option_error_key([&] { Sender{sender}; }), "flag");
  sender.options.flag = 0;
  sender.options.request_timeout = 0ms;
  EXPECT_EQ(test::option_error_key([&] { Sender{sender}; }), "request_timeout");
  sender.options.request_timeout = 4000ms;
  sender.options.jpeg_compression = true;
  sender.options.jpeg_compression_quality = 0;
  EXPECT_EQ(test::option_error_key([&] { Sender{sender}; }), "jpeg_compression_quality");

  auto receiver = test::receiver_settings(Protocol::tcp, Pattern::pair);
  receiver.options.queue_size = 0;
  EXPECT_EQ(test::option_error_key([&] { Receiver{receiver}; }), "queue_size");
  receiver.options.queue_size = 16;
  receiver.options.max_message_size = -7;
  EXPECT_EQ(test::option_error_key([&] { Receiver{receiver}; }), "max_message_size");
}

// A typed name in another case is sent in the list's spelling: our own
// receivers (and vidgear's) match the header's extension exactly.
TEST(SettingsFieldRules, TypedNamesAreSentInTheirCanonicalSpelling) {
  Options o;
  o.compression_format = ".JPG";
  EXPECT_EQ(detail::encoding_for(o).extension, ".jpg");
  o.compression_format.clear();
  o.jpeg_compression = true;
  o.jpeg_compression_colorspace = "rgb";
  EXPECT_EQ(detail::encoding_for(o).jpeg.colorspace, "RGB");
}

// One list of each: every name the options accept, the codecs and the wire accept too.
TEST(CompressionNames, OptionsCodecsAndWireAcceptTheSameNames) {
  const cv::Mat image(4, 4, CV_8UC3, cv::Scalar(1, 2, 3));
  for (auto ext : wire::kImageExtensions) {
    SCOPED_TRACE(std::string(ext));
    Options o;
    EXPECT_NO_THROW(o.set("compression_format", std::string(ext)));
    std::vector<unsigned char> bytes;
    EXPECT_NO_THROW(codec::encode_image(image, ext, {}, bytes));
    EXPECT_NO_THROW(wire::decode_compression(json(std::string(ext))));
  }
  for (auto name : wire::kJpegColorspaces) {
    SCOPED_TRACE(std::string(name));
    Options o;
    EXPECT_NO_THROW(o.set("jpeg_compression_colorspace", std::string(name)));
    EXPECT_GE(codec::colorspace_channels(name), 1);
  }
  // Error texts list the same names.
  const std::string format_error =
      test::error_text<OptionError>([] { Options().set("compression_format", ".gif"); });
  const std::string codec_error = test::error_text<codec::CodecError>([&] {
    std::vector<unsigned char> bytes;
    codec::encode_image(image, ".gif", {}, bytes);
  });
  for (auto ext : wire::kImageExtensions) {
    EXPECT_NE(format_error.find(ext), std::string::npos) << format_error;
    EXPECT_NE(codec_error.find(ext), std::string::npos) << codec_error;
  }
}

}  // namespace
}  // namespace netgear
