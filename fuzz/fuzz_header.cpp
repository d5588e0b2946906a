// Fuzz target: the header codec on arbitrary text. decode_header must throw
// nothing but WireError; its allocation-free fast path must agree with the
// full JSON parser (a header fast returns, full returns equal; a header full
// rejects, fast leaves alone); decode_header must behave as the full parser;
// and every header that decodes must survive encode -> decode unchanged.
// Text nested deeper than header_json_depth (the header object, then a
// message of max_json_depth levels) is a documented outcome: a WireError from
// both paths, decided before the parser runs. The same text read as a reply
// (decode_reply) throws nothing and, past the same depth, is its own text.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "fuzz_check.hpp"
#include "wire/header.hpp"
#include "wire/json_depth.hpp"
#include "wire/reply.hpp"

namespace netgear::fuzz {
namespace {

using wire::FrameHeader;
using wire::Header;

bool same(const wire::Compression& a, const wire::Compression& b) {
  return a.kind == b.kind && a.raw_as_string == b.raw_as_string && a.extension == b.extension && a.dct == b.dct &&
         a.ups == b.ups && a.colorspace == b.colorspace && a.codec == b.codec && a.keyframe == b.keyframe &&
         a.width == b.width && a.height == b.height && a.channels == b.channels;
}

bool same(const FrameHeader& a, const FrameHeader& b) {
  return same(a.compression, b.compression) && a.message == b.message && a.pattern == b.pattern &&
         a.dtype == b.dtype && a.shape == b.shape && a.port == b.port && a.seq == b.seq && a.sent_ns == b.sent_ns &&
         a.video_offer == b.video_offer;
}

bool same(const Header& a, const Header& b) {
  if (a.index() != b.index()) return false;
  if (const auto* t = std::get_if<wire::Termination>(&a)) return t->port == std::get<wire::Termination>(b).port;
  return same(std::get<FrameHeader>(a), std::get<FrameHeader>(b));
}

// The full parser's verdict: the header, or nullopt for a WireError.
std::optional<Header> full_verdict(std::string_view text) {
  try {
    return wire::decode_header_full(text);
  } catch (const wire::WireError&) {
    return std::nullopt;
  }
}

// encode -> decode gives the header back, field for field.
void check_round_trip(const Header& header) {
  std::string text;
  if (const auto* t = std::get_if<wire::Termination>(&header)) {
    text = wire::encode_termination(*t);
  } else {
    text = wire::encode_header(std::get<FrameHeader>(header));
  }
  std::optional<Header> back;
  try {
    back = wire::decode_header(text);
  } catch (const wire::WireError&) {
    fail("a re-encoded header does not decode");
  }
  require(same(header, *back), "a re-encoded header decodes to other fields");
}

// A reply's first part: decode_reply never throws, and a reply nested past
// the limit is not parsed (taken as text).
void check_reply(std::string_view text) {
  const wire::Reply reply = wire::decode_reply(text);
  if (!wire::json_text_depth_within(text, max_json_depth + 1))
    require(reply.data == std::string(text) && !reply.array, "a reply nested past the limit was parsed");
}

void check(std::string_view text) {
  check_reply(text);
  const std::optional<FrameHeader> fast = wire::decode_frame_header_fast(text);
  const std::optional<Header> full = full_verdict(text);
  if (!wire::json_text_depth_within(text, wire::header_json_depth)) {  // nested too deep
    require(!fast && !full, "a header nested past the limit was accepted");
    try {
      (void)wire::decode_header(text);
    } catch (const wire::WireError&) {
      return;
    }
    fail("decode_header accepted a header nested past the limit");
  }
  if (fast) {
    require(full.has_value(), "the fast path accepts a header the full parser rejects");
    require(std::holds_alternative<FrameHeader>(*full), "the fast path reads a termination as a frame");
    require(same(*fast, std::get<FrameHeader>(*full)), "the fast path and the full parser disagree");
  }
  std::optional<Header> decoded;
  try {
    decoded = wire::decode_header(text);
  } catch (const wire::WireError&) {
    require(!full.has_value(), "decode_header rejects a header the full parser accepts");
    return;
  }
  require(full.has_value(), "decode_header accepts a header the full parser rejects");
  require(same(*decoded, *full), "decode_header and the full parser disagree");
  check_round_trip(*decoded);
}

}  // namespace
}  // namespace netgear::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    netgear::fuzz::check(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (...) {  // the checks above catch every WireError: nothing may reach here
    netgear::fuzz::undocumented_exception();
  }
  return 0;
}
