// The replies of patterns 0/1 against WIRE.md's captures, and how a sender reads them.
#include <gtest/gtest.h>

#include "wire/reply.hpp"

namespace netgear::wire {
namespace {

using json = nlohmann::json;

TEST(EncodeReply, ArrayReplyIsByteIdenticalToVidgear035) {
  // WIRE.md appendix: TEXT(109).
  ArrayReply r;
  r.dtype = "uint8";
  r.shape = Shape{2, 3};
  EXPECT_EQ(encode_array_reply(r),
            R"({"return_type": "ndarray", "compression": false, "array_dtype": "uint8", "array_shape": [2, 3], "data": null})");
  r.port = "5723";
  r.compression.kind = Compression::Kind::jpeg;
  r.dtype.clear();
  r.shape.reset();
  EXPECT_EQ(encode_array_reply(r),
            R"({"port": "5723", "return_type": "ndarray", "compression": {"dct": true, "ups": false, "colorspace": "BGR"}, "array_dtype": "", "array_shape": "", "data": null})");
}

TEST(EncodeReply, DataReplyAsVidgear) {
  EXPECT_EQ(encode_data_reply(json::array({1, "x"}), nullptr), R"({"return_type": "list", "data": [1, "x"]})");
  EXPECT_EQ(encode_data_reply(nullptr, "5723"), R"({"port": "5723", "return_type": "NoneType", "data": null})");
}

TEST(DecodeReply, PlainTextIsTakenAsItIs) {
  const std::string text = frame_reply("ABCD1234");
  EXPECT_EQ(decode_reply(text).data, json(text));
  EXPECT_EQ(decode_reply(termination_reply).data, json(std::string(termination_reply)));
  EXPECT_EQ(decode_reply("").data, json(""));
  EXPECT_EQ(decode_reply("  [1, 2]").data, json("  [1, 2]"));         // JSON, but not a reply object
  EXPECT_EQ(decode_reply(R"({"no": "data"})").data, json(R"({"no": "data"})"));
  EXPECT_EQ(decode_reply("{broken").data, json("{broken"));
}

TEST(DecodeReply, JsonRepliesGiveTheirData) {
  EXPECT_EQ(decode_reply(R"({"return_type": "list", "data": [1, "x"]})").data, json::array({1, "x"}));
  const auto with_port = decode_reply(" \n{\"port\": \"5723\", \"return_type\": \"NoneType\", \"data\": null}");
  EXPECT_TRUE(with_port.data.is_null());
  EXPECT_EQ(with_port.port, json("5723"));
  // nlohmann skips a UTF-8 byte order mark: so does the check for text.
  EXPECT_EQ(decode_reply("\xEF\xBB\xBF{\"data\": 7}").data, json(7));
}

TEST(DecodeReply, ArrayReplyDescribesTheSecondPart) {
  const auto reply = decode_reply(
      R"({"return_type": "ndarray", "compression": false, "array_dtype": "uint8", "array_shape": [2, 3], "data": null})");
  ASSERT_TRUE(reply.array);
  EXPECT_TRUE(reply.array->compression.is_raw());
  EXPECT_EQ(reply.array->dtype, "uint8");
  ASSERT_TRUE(reply.array->shape);
  EXPECT_EQ(reply.array->shape->to_vector(), (std::vector<std::size_t>{2, 3}));
}

}  // namespace
}  // namespace netgear::wire
