// The JSON nesting limit, checked without recursion on text (before parsing)
// and on values (before encoding), and where each decoder applies it.
#include <gtest/gtest.h>

#include "netgear/error.hpp"
#include "netgear/json_limits.hpp"
#include "netgear/options.hpp"
#include "support/test_support.hpp"
#include "wire/header.hpp"
#include "wire/json_depth.hpp"
#include "wire/reply.hpp"

namespace netgear::test {
namespace {

using nlohmann::json;
using wire::json_depth_within;
using wire::json_text_depth_within;

std::string nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

json nested_value(std::size_t depth) {  // built without recursion
  json value = json::array();
  for (std::size_t i = 1; i < depth; ++i) value = json::array({std::move(value)});
  return value;
}

std::string header_with_message(const std::string& message) {
  return R"({"terminate_flag": false, "compression": false, "message": )" + message +
         R"(, "dtype": "uint8", "shape": [2]})";
}

TEST(JsonTextDepth, CountsArraysAndObjects) {
  EXPECT_TRUE(json_text_depth_within("", 0));
  EXPECT_TRUE(json_text_depth_within("7", 0));
  EXPECT_FALSE(json_text_depth_within("[]", 0));
  EXPECT_TRUE(json_text_depth_within("[]", 1));
  EXPECT_TRUE(json_text_depth_within(R"({"a": [1, {"b": 2}], "c": []})", 3));
  EXPECT_FALSE(json_text_depth_within(R"({"a": [1, {"b": 2}], "c": []})", 2));
  EXPECT_TRUE(json_text_depth_within("[][][][]", 1)) << "siblings do not add up";
}

TEST(JsonTextDepth, TheBoundaryIsExact) {
  EXPECT_TRUE(json_text_depth_within(nested(max_json_depth), max_json_depth));
  EXPECT_FALSE(json_text_depth_within(nested(max_json_depth + 1), max_json_depth));
  EXPECT_FALSE(json_text_depth_within(std::string(200'000, '['), max_json_depth)) << "openers alone count";
}

TEST(JsonTextDepth, BracketsInsideStringsDoNotCount) {
  EXPECT_TRUE(json_text_depth_within(R"(["[[[[{{{{"])", 1));
  EXPECT_TRUE(json_text_depth_within(R"(["\"[[[["])", 1)) << "an escaped quote does not end the string";
  EXPECT_TRUE(json_text_depth_within(R"(["\\", "x"])", 1));
  EXPECT_FALSE(json_text_depth_within(R"(["\\"[[])", 2)) << "an escaped backslash does end it";
  EXPECT_TRUE(json_text_depth_within(R"({"]]]]": [[]]})", 3));
}

TEST(JsonTextDepth, ClosersWithoutOpenersCannotHideDepth) {
  EXPECT_FALSE(json_text_depth_within("]]]]" + nested(3), 2));
  EXPECT_TRUE(json_text_depth_within("]]]]" + nested(2), 2));
}

TEST(JsonValueDepth, MeasuresWithoutRecursion) {
  EXPECT_TRUE(json_depth_within(json(5), 0));
  EXPECT_TRUE(json_depth_within(json::parse(R"({"a": [1, {"b": []}]})"), 4));
  EXPECT_FALSE(json_depth_within(json::parse(R"({"a": [1, {"b": []}]})"), 3));
  EXPECT_TRUE(json_depth_within(nested_value(max_json_depth), max_json_depth));
  EXPECT_FALSE(json_depth_within(nested_value(max_json_depth + 1), max_json_depth));
  EXPECT_FALSE(json_depth_within(nested_value(200'000), max_json_depth));
}

TEST(JsonValueDepth, CheckNamesTheArgument) {
  EXPECT_NO_THROW(check_json_depth(nested_value(max_json_depth), "message"));
  try {
    check_json_depth(nested_value(max_json_depth + 1), "message");
    FAIL() << "no OptionError";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.key(), "message");
    EXPECT_NE(std::string(e.what()).find("128"), std::string::npos) << e.what();
  }
}

TEST(HeaderDepth, AMessageAtTheLimitDecodesOnePastItIsRefused) {
  const auto header = wire::decode_header(header_with_message(nested(max_json_depth)));
  const auto& h = std::get<wire::FrameHeader>(header);
  EXPECT_TRUE(json_depth_within(h.message, max_json_depth));
  EXPECT_FALSE(json_depth_within(h.message, max_json_depth - 1));
  for (const auto& text : {header_with_message(nested(max_json_depth + 1)), header_with_message(nested(200'000)),
                           std::string(200'000, '[')}) {
    const auto error = error_text<wire::WireError>([&] { (void)wire::decode_header(text); });
    EXPECT_NE(error.find("nested deeper than 129"), std::string::npos) << error;
    EXPECT_NE(error_text<wire::WireError>([&] { (void)wire::decode_header_full(text); }), "");
  }
}

TEST(ReplyDepth, AReplyPastTheLimitIsItsText) {
  const std::string at = R"({"return_type": "list", "data": )" + nested(max_json_depth) + "}";
  EXPECT_TRUE(wire::decode_reply(at).data.is_array());
  for (const auto& text : {R"({"return_type": "list", "data": )" + nested(max_json_depth + 1) + "}",
                           R"({"return_type": "ndarray", "array_shape": )" + nested(200'000) + R"(, "data": null})"}) {
    const auto reply = wire::decode_reply(text);
    EXPECT_EQ(reply.data, text);
    EXPECT_FALSE(reply.array);
  }
}

TEST(OptionDepth, ADeepOptionValueIsAnErrorNamingTheKey) {
  Options o;
  const auto error = error_text<OptionError>([&] { o.set("filter", nested_value(200'000)); });
  EXPECT_NE(error.find("filter"), std::string::npos) << error;
  EXPECT_NE(error.find("nested deeper than 128"), std::string::npos) << error;
  // At the limit it is only of the wrong type (and its dump is harmless).
  EXPECT_EQ(error_text<OptionError>([&] { o.set("filter", nested_value(max_json_depth)); }).find("nested"),
            std::string::npos);
  EXPECT_NE(error_text<OptionError>([&] { (void)Options::from_json(nested_value(200'000)); }).find("options"),
            std::string::npos);
  json object = json::object();
  object["multiserver_mode"] = nested_value(200'000);
  EXPECT_NE(error_text<OptionError>([&] { (void)Options::from_json(object); }).find("multiserver_mode"),
            std::string::npos);
}

}  // namespace
}  // namespace netgear::test
