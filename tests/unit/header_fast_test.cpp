// decode_header's allocation-free path against the full JSON parser: whatever
// the fast path accepts, the full parser accepts with the same result, and
// decode_header (fast, then full) behaves exactly like the full parser alone,
// errors included.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "wire/header.hpp"

namespace netgear::wire {
namespace {

using json = nlohmann::json;

// Everything a decoded frame header says, as one comparable string.
std::string describe(const FrameHeader& h) {
  const auto& c = h.compression;
  std::string out = "kind=" + std::to_string(static_cast<int>(c.kind)) + " raw_as_string=" +
                    std::to_string(c.raw_as_string) + " ext=" + c.extension + " dct=" + std::to_string(c.dct) +
                    " ups=" + std::to_string(c.ups) + " cs=" + c.colorspace + " message=" + h.message.dump() +
                    " pattern=" + h.pattern + " dtype=" + h.dtype + " port=" + h.port.dump();
  out += " shape=";
  if (h.shape) {
    out += "[";
    for (auto d : *h.shape) out += std::to_string(d) + ",";
    out += "]";
  } else {
    out += "none";
  }
  out += " seq=" + (h.seq ? std::to_string(*h.seq) : std::string("none"));
  out += " sent_ns=" + (h.sent_ns ? std::to_string(*h.sent_ns) : std::string("none"));
  return out;
}

// What a decoder makes of `text`: the header described, or the error's text.
template <class Decode>
std::string outcome(Decode decode, std::string_view text) {
  try {
    const Header h = decode(text);
    if (const auto* t = std::get_if<Termination>(&h)) return "termination port=" + t->port.dump();
    return describe(std::get<FrameHeader>(h));
  } catch (const WireError& e) {
    return std::string("WireError: ") + e.what();
  }
}

// The checks every header goes through.
void check_against_full_parser(std::string_view text) {
  const std::string full = outcome(decode_header_full, text);
  EXPECT_EQ(outcome(decode_header, text), full) << text;
  if (auto fast = decode_frame_header_fast(text)) {
    EXPECT_EQ(describe(*fast), full) << text;
  }
}

// The headers netgear and vidgear write (WIRE.md and netgear's own), all read by the fast path.
const std::vector<std::string> kWritten = {
    R"({"terminate_flag": false, "compression": "", "message": null, "pattern": "0", "dtype": "uint8", "shape": [4, 5, 3]})",
    R"({"terminate_flag": false, "compression": "", "port": "5716", "pattern": "1", "message": null, "dtype": "uint8", "shape": [4, 5, 3]})",
    R"({"terminate_flag": false, "compression": ".jpg", "message": null, "pattern": "0", "dtype": "uint8", "shape": [629]})",
    R"({"terminate_flag": false, "compression": false, "message": null, "pattern": "0", "dtype": "uint8", "shape": [4, 5, 3]})",
    R"({"terminate_flag": false, "compression": {"dct": true, "ups": false, "colorspace": "BGR"}, "message": null, "pattern": "0", "dtype": "", "shape": ""})",
    R"({"port": "5716", "terminate_flag": false, "compression": false, "message": null, "pattern": "1", "dtype": "uint8", "shape": [4, 5, 3]})",
    R"({"terminate_flag": false, "compression": "", "message": "hello", "pattern": "2", "dtype": "uint8", "shape": [4, 5, 3]})",
    R"({"terminate_flag": false, "compression": false, "message": null, "pattern": "2", "dtype": "float32", "shape": [2, 3, 4, 5], "netgear_seq": 18446744073709551615, "netgear_sent_ns": 1700000000123456789})",
    R"({"terminate_flag": false, "compression": {"dct": false, "ups": true, "colorspace": "GRAY"}, "message": true, "pattern": "0", "dtype": "uint8", "shape": [1000], "netgear_seq": 0, "netgear_sent_ns": -9223372036854775807})",
    R"({"terminate_flag": false, "compression": false, "message": null, "pattern": "0", "dtype": "uint8", "shape": [], "netgear_seq": 3})",
    R"({"terminate_flag": false, "compression": null, "dtype": "<u2", "shape": [0, 2147483647]})",
    " \t\r\n{ \"shape\" :[ 7 ] ,\"dtype\":\"int8\",\"terminate_flag\"\n:\nfalse } \n",
};

TEST(DecodeHeaderFast, ReadsWhatNetgearAndVidgearWrite) {
  for (const auto& text : kWritten) {
    EXPECT_TRUE(decode_frame_header_fast(text).has_value()) << text;
    check_against_full_parser(text);
  }
}

TEST(DecodeHeaderFast, LeavesEverythingElseToTheFullParser) {
  const std::vector<std::string> others = {
      R"({"terminate_flag": true})",                                                         // termination
      R"({"terminate_flag": false, "compression": false, "dtype": "uint8", "shape": [3], "extra": 1})",  // another key
      R"({"terminate_flag": false, "terminate_flag": false, "dtype": "uint8", "shape": [3]})",           // a repeat
      R"({"terminate_flag": false, "dtype": "uint8", "shape": [3], "message": {"a": 1}})",   // a structured message
      R"({"terminate_flag": false, "dtype": "uint8", "shape": [3], "message": 5})",          // a number message
      R"({"terminate_flag": false, "dtype": "uint\u0038", "shape": [3]})",                   // an escape
      R"({"terminate_flag": false, "dtype": "uint8", "shape": [3], "message": "caf\u00e9"})",
      R"({"terminate_flag": false, "dtype": "uint8", "shape": [3], "pattern": 1})",          // pattern as a number
      R"({"terminate_flag": false, "dtype": "uint8", "shape": [-0]})",                        // the full parser allows -0
      R"({"terminate_flag": false, "dtype": "uint8", "shape": [3], "netgear_sent_ns": -9223372036854775808})",
      R"({"terminate_flag": false, "compression": "", "dtype": null, "shape": ""})",
      R"({"terminate_flag": false, "compression": {"colorspace": "BGR", "quality": 90}, "dtype": "", "shape": ""})",
      "\xEF\xBB\xBF{\"terminate_flag\": false, \"dtype\": \"uint8\", \"shape\": [3]}",        // a byte order mark
      // ... and what no parser accepts:
      "{nope", "[1, 2]", "", "{}", R"({"terminate_flag": false, "dtype": "uint8", "shape": [3]} x)",
      R"({"terminate_flag": false, "dtype": "uint8", "shape": [03]})",
      R"({"terminate_flag": false, "dtype": "uint8", "shape": [3.0]})",
      R"({"terminate_flag": false, "dtype": "uint8", "shape": [3e0]})",
      R"({"terminate_flag": false, "dtype": "uint8", "shape": [2147483648]})",
      R"({"terminate_flag": false, "dtype": "uint8", "shape": [3,]})",
      R"({"terminate_flag": false, "dtype": "uint8", "shape": [3], })",
      R"({"terminate_flag": false, "dtype": "", "shape": [3]})",
      R"({"terminate_flag": false, "dtype": "uint8"})",
      R"({"terminate_flag": false, "dtype": "uint8", "shape": ""})",
      R"({"terminate_flag": false, "dtype": "uint8", "shape": "3"})",
      R"({"terminate_flag": false, "compression": true, "dtype": "uint8", "shape": [3]})",
      R"({"terminate_flag": false, "compression": ".gif", "dtype": "uint8", "shape": [3]})",
      R"({"terminate_flag": false, "compression": {"dct": true}, "dtype": "", "shape": ""})",
      R"({"terminate_flag": false, "dtype": "uint8", "shape": [3], "netgear_seq": 18446744073709551616})",
      R"({"terminate_flag": false, "dtype": "uint8", "shape": [3], "netgear_seq": -1})",
      R"({"terminate_flag": false, "dtype": "uint8", "shape": [3], "netgear_sent_ns": - 5})",
      R"({"terminate_flag": nul, "dtype": "uint8", "shape": [3]})",
      R"({"terminate_flag": falsey, "dtype": "uint8", "shape": [3]})",
      "{\"terminate_flag\": false, \"dtype\": \"ui\tnt8\", \"shape\": [3]}",  // a raw control character
      std::string(R"({"terminate_flag": false, "dtype": "uint8", "shape": [3]})") + '\0',  // a NUL after it
      R"({"terminate_flag": false, "dtype": "uint8", "shape": [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]})",
  };
  for (const auto& text : others) {
    EXPECT_FALSE(decode_frame_header_fast(text).has_value()) << text;
    check_against_full_parser(text);
  }
}

TEST(DecodeHeaderFast, AgreesWithTheFullParserOnMutatedHeaders) {
  // Deterministic mutations of real headers: a byte deleted, replaced or
  // inserted (from the characters JSON cares about), or a stretch repeated.
  const std::string alphabet = "{}[],:\" \t\n\\-+.0123456789eEtrufalsn\x01\x7f\xc3";
  std::mt19937 rng(20240611);
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
  int accepted_fast = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text = kWritten[pick(kWritten.size())];
    const int edits = 1 + static_cast<int>(pick(3));
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const std::size_t at = pick(text.size());
      switch (pick(4)) {
        case 0: text.erase(at, 1); break;
        case 1: text[at] = alphabet[pick(alphabet.size())]; break;
        case 2: text.insert(at, 1, alphabet[pick(alphabet.size())]); break;
        default: text.insert(at, text.substr(at, 1 + pick(8))); break;
      }
    }
    if (decode_frame_header_fast(text)) ++accepted_fast;
    check_against_full_parser(text);
    if (HasFailure()) break;  // one counterexample is enough to read
  }
  EXPECT_GT(accepted_fast, 100);  // the mutations also exercise the accepting side
}

TEST(EncodeHeader, IntoAReusedBufferWritesTheSameText) {
  FrameHeader h;
  h.dtype = "uint16";
  h.shape = Shape{480, 640, 3};
  std::string buffer = "left over from an earlier frame";
  const json messages[] = {nullptr, "caf\xc3\xa9 \"quoted\"\n", json{{"k\x7f", {1, 2.5, -3}}}, 18446744073709551615u,
                           -9223372036854775807 - 1, 0.1, true};
  for (const auto& message : messages) {
    h.message = message;
    h.port = message.is_string() ? json(5716) : json("5716");
    h.seq = 12;
    h.sent_ns = -1;
    encode_header(buffer, {h.compression, h.message, h.pattern, h.dtype, &*h.shape, h.port, h.seq, h.sent_ns});
    EXPECT_EQ(buffer, encode_header(h));
    check_against_full_parser(buffer);
  }
}

}  // namespace
}  // namespace netgear::wire
