// The header codec against the captured vidgear messages of WIRE.md.
#include <gtest/gtest.h>

#include "wire/header.hpp"

namespace netgear::wire {
namespace {

using json = nlohmann::json;

FrameHeader raw_header(Shape shape, std::string dtype = "uint8") {
  FrameHeader h;
  h.dtype = std::move(dtype);
  h.shape = shape;
  return h;
}

TEST(EncodeHeader, RawFrameIsByteIdenticalToVidgear035) {
  // WIRE.md appendix, vidgear 0.3.5 pattern 0: TEXT(118).
  EXPECT_EQ(encode_header(raw_header({4, 5, 3})),
            R"({"terminate_flag": false, "compression": false, "message": null, "pattern": "0", "dtype": "uint8", "shape": [4, 5, 3]})");
}

TEST(EncodeHeader, MessageAndPatternAsVidgear) {
  auto h = raw_header({4, 5, 3});
  h.message = json{{"a", json::array({1, 2})}};
  EXPECT_EQ(encode_header(h),
            R"({"terminate_flag": false, "compression": false, "message": {"a": [1, 2]}, "pattern": "0", "dtype": "uint8", "shape": [4, 5, 3]})");
  h.message = "hello";
  h.pattern = "2";
  EXPECT_EQ(encode_header(h),
            R"({"terminate_flag": false, "compression": false, "message": "hello", "pattern": "2", "dtype": "uint8", "shape": [4, 5, 3]})");
}

TEST(EncodeHeader, PortComesFirstAndExtensionsLast) {
  auto h = raw_header({4, 5, 3});
  h.port = "5716";
  h.pattern = "1";
  h.seq = 7;
  h.sent_ns = 1234;
  EXPECT_EQ(encode_header(h),
            R"({"port": "5716", "terminate_flag": false, "compression": false, "message": null, "pattern": "1", "dtype": "uint8", "shape": [4, 5, 3], "netgear_seq": 7, "netgear_sent_ns": 1234})");
}

TEST(EncodeHeader, Termination) {
  EXPECT_EQ(encode_termination({}), R"({"terminate_flag": true})");
  EXPECT_EQ(encode_termination({json("5716")}), R"({"terminate_flag": true, "port": "5716"})");
}

TEST(DecodeHeader, AcceptsVidgear017RawFrame) {
  auto h = decode_header(
      R"({"terminate_flag": false, "compression": "", "message": null, "pattern": "0", "dtype": "uint8", "shape": [4, 5, 3]})");
  auto& f = std::get<FrameHeader>(h);
  EXPECT_TRUE(f.compression.is_raw());
  EXPECT_TRUE(f.compression.raw_as_string);
  EXPECT_EQ(f.dtype, "uint8");
  EXPECT_EQ(f.shape->to_vector(), (std::vector<std::size_t>{4, 5, 3}));
  EXPECT_FALSE(f.seq.has_value());
}

TEST(DecodeHeader, AcceptsVidgear035JpegFrame) {
  auto h = decode_header(
      R"({"terminate_flag": false, "compression": {"dct": true, "ups": false, "colorspace": "BGR"}, "message": null, "pattern": "0", "dtype": "", "shape": ""})");
  auto& f = std::get<FrameHeader>(h);
  EXPECT_EQ(f.compression.kind, Compression::Kind::jpeg);
  EXPECT_TRUE(f.compression.dct);
  EXPECT_FALSE(f.compression.ups);
  EXPECT_EQ(f.compression.colorspace, "BGR");
  EXPECT_FALSE(f.shape.has_value());
}

TEST(DecodeHeader, AcceptsVidgear017JpgAndMultiServerPort) {
  auto h = decode_header(
      R"({"terminate_flag": false, "compression": ".jpg", "port": "5716", "pattern": "1", "message": "m", "dtype": "uint8", "shape": [629]})");
  auto& f = std::get<FrameHeader>(h);
  EXPECT_EQ(f.compression.kind, Compression::Kind::extension);
  EXPECT_EQ(f.compression.extension, ".jpg");
  EXPECT_EQ(f.port, json("5716"));
  EXPECT_EQ(f.message, json("m"));
}

TEST(DecodeHeader, Termination) {
  auto h = decode_header(R"({"terminate_flag": true, "port": "5716"})");
  ASSERT_TRUE(std::holds_alternative<Termination>(h));
  EXPECT_EQ(std::get<Termination>(h).port, json("5716"));
}

TEST(DecodeHeader, RoundTripsOurOwnHeader) {
  auto h = raw_header({2, 3, 4, 5}, "float32");
  h.message = json{{"k", json::array({1, "x"})}};
  h.seq = 42;
  h.sent_ns = -5;
  auto back = std::get<FrameHeader>(decode_header(encode_header(h)));
  EXPECT_EQ(back.dtype, "float32");
  EXPECT_EQ(back.shape->to_vector(), h.shape->to_vector());
  EXPECT_EQ(back.message, h.message);
  EXPECT_EQ(back.seq, 42u);
  EXPECT_EQ(back.sent_ns, -5);
}

struct BadHeader {
  const char* name;
  const char* text;
  const char* expected_in_error;
};

class DecodeHeaderRejects : public ::testing::TestWithParam<BadHeader> {};

TEST_P(DecodeHeaderRejects, WithAMessageNamingTheProblem) {
  try {
    decode_header(GetParam().text);
    FAIL() << "accepted " << GetParam().text;
  } catch (const WireError& e) {
    EXPECT_NE(std::string(e.what()).find(GetParam().expected_in_error), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, DecodeHeaderRejects,
    ::testing::Values(
        BadHeader{"not_json", "{nope", "not valid JSON"}, BadHeader{"not_object", "[1, 2]", "not an object"},
        BadHeader{"no_flag", R"({"dtype": "uint8", "shape": [1]})", "terminate_flag"},
        BadHeader{"flag_type", R"({"terminate_flag": "no"})", "terminate_flag"},
        BadHeader{"no_dtype", R"({"terminate_flag": false, "compression": false, "shape": [1]})", "dtype"},
        BadHeader{"no_shape", R"({"terminate_flag": false, "compression": false, "dtype": "uint8"})", "shape"},
        BadHeader{"negative_dim", R"({"terminate_flag": false, "compression": false, "dtype": "uint8", "shape": [-1, 3]})",
                  "out-of-range"},
        BadHeader{"huge_dim",
                  R"({"terminate_flag": false, "compression": false, "dtype": "uint8", "shape": [99999999999, 3]})",
                  "out-of-range"},
        BadHeader{"float_dim", R"({"terminate_flag": false, "compression": false, "dtype": "uint8", "shape": [1.5]})",
                  "non-integer"},
        BadHeader{"too_many_dims",
                  R"({"terminate_flag": false, "compression": false, "dtype": "uint8", "shape": [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]})",
                  "dimensions"},
        BadHeader{"bad_codec", R"({"terminate_flag": false, "compression": ".gif", "dtype": "uint8", "shape": [3]})",
                  ".gif"},
        BadHeader{"compression_true", R"({"terminate_flag": false, "compression": true, "dtype": "uint8", "shape": [3]})",
                  "compression"},
        BadHeader{"seq_negative",
                  R"({"terminate_flag": false, "compression": false, "dtype": "uint8", "shape": [3], "netgear_seq": -1})",
                  "netgear_seq"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace netgear::wire
