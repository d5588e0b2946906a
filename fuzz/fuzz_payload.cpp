// Fuzz target: raw (uncompressed) payloads. The input is either a header and
// its payload as a receiver gets them, or a binary description of a dtype and
// a shape followed by the payload (first byte even: header, odd: binary):
//   even: <byte> <header JSON> \0 <payload bytes>
//   odd:  <byte> <dtype pick> <dim count> <dim>... <payload bytes>   (see read_dim)
// Checks: validate_raw, geometry_for and decode_payload throw only WireError
// or FrameError; a frame that decodes has the header's shape and dtype, covers
// exactly the payload, and reads back byte for byte (ASan sees any overread).
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "frame_codec.hpp"
#include "fuzz_check.hpp"
#include "wire/payload.hpp"

namespace netgear::fuzz {
namespace {

// Every name dtype_from_name knows, spelt every way, and some it refuses.
constexpr std::array<std::string_view, 32> kDtypes = {
    "uint8", "int8", "uint16", "int16", "int32", "float16", "float32", "float64",   //
    "bool", "uint32", "int64", "uint64", "complex64", "|u1", "<i1", "=u2",         //
    "<i2", "<i4", "<f2", "<f4", "<f8", "|b1", "<u4", "<i8",                        //
    "<u8", "<c8", ">u2", "float128", "object", "", "uint8 ", "U8"};

// Dimensions a peer might pick to break the arithmetic (all < 2^31, as
// decode_shape lets through).
constexpr std::array<std::size_t, 32> kSpecialDims = {
    2147483647, 2147483646, 1u << 30, 3u << 29, 715827882, 715827883, 1431655765, 1u << 28,  //
    (1u << 28) + 1, 1u << 24, 1u << 20, 1000000, 1u << 16, 65535, 65537, 98304,            //
    46340, 46341, 1u << 15, 4096, 513, 512, 511, 257,                                      //
    256, 255, 5, 4, 3, 2, 1, 0};

// A cursor over the input.
struct Reader {
  std::span<const std::uint8_t> rest;
  std::uint8_t byte() {
    if (rest.empty()) return 0;
    const std::uint8_t b = rest.front();
    rest = rest.subspan(1);
    return b;
  }
};

// One dimension: < 0x80: 0..15; < 0xC0: 16..79; < 0xE0: one of kSpecialDims;
// else the next 4 bytes, little-endian, below 2^31.
std::size_t read_dim(Reader& in) {
  const std::uint8_t pick = in.byte();
  if (pick < 0x80) return pick & 0x0F;
  if (pick < 0xC0) return 16u + (pick & 0x3F);
  if (pick < 0xE0) return kSpecialDims[pick & 0x1F];
  std::uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value |= static_cast<std::uint32_t>(in.byte()) << (8 * i);
  return value & 0x7FFFFFFFu;
}

// A frame that decoded: it is what the header says, over exactly the payload.
void check_frame(const Frame& frame, const wire::Shape& shape, Dtype dtype, std::span<const std::uint8_t> payload) {
  require(frame.dtype() == dtype, "the frame's dtype is not the header's");
  require(frame.shape().size() == shape.size() && std::equal(shape.begin(), shape.end(), frame.shape().begin()),
          "the frame's shape is not the header's");
  const cv::Mat& mat = frame.mat();
  if (payload.empty()) {  // a zero-sized array: nothing to read
    require(mat.total() == 0, "a frame over no bytes has elements");
    return;
  }
  require(frame.byte_size() == payload.size(), "the frame's byte size is not the payload's");
  require(mat.isContinuous() && mat.total() * mat.elemSize() == payload.size(), "the Mat does not cover the payload");
  require(std::memcmp(mat.data, payload.data(), payload.size()) == 0, "the frame's bytes are not the payload's");
  touch(frame.contiguous().mat());
  require(frame.bytes().size() == payload.size(), "Frame::bytes() is not the payload");
}

// What a receiver does with a raw frame: validate, then wrap the message.
void decode_raw(std::string_view dtype_text, const std::optional<wire::Shape>& shape,
                std::span<const std::uint8_t> payload) {
  const Dtype dtype = wire::validate_raw(dtype_text, shape, payload.size());
  zmq::message_t message(payload.data(), payload.size());
  const detail::PayloadInfo info{{}, std::string(dtype_text), shape};
  const Frame frame = detail::decode_payload(info, std::move(message), detail::Decoding{});
  check_frame(frame, *shape, dtype, payload);
}

void from_header(std::span<const std::uint8_t> input) {
  const auto* text = reinterpret_cast<const char*>(input.data());
  const auto* nul = static_cast<const char*>(std::memchr(text, '\0', input.size()));
  const std::size_t header_size = nul ? static_cast<std::size_t>(nul - text) : input.size();
  const auto payload = input.subspan(nul ? header_size + 1 : header_size);
  const auto header = wire::decode_header(std::string_view(text, header_size));
  const auto* frame_header = std::get_if<wire::FrameHeader>(&header);
  if (frame_header == nullptr) return;  // a termination
  // Whatever the header's compression, its dtype and shape are checked as raw.
  decode_raw(frame_header->dtype, frame_header->shape, payload);
}

void from_binary(std::span<const std::uint8_t> input) {
  Reader in{input};
  const std::string_view dtype = kDtypes[in.byte() % kDtypes.size()];
  const std::size_t count = in.byte() % (wire::max_dims + 9);  // past max_dims: geometry_for must refuse
  std::vector<std::size_t> dims;
  for (std::size_t i = 0; i < count; ++i) dims.push_back(read_dim(in));
  if (count > wire::max_dims) {
    try {
      (void)wire::geometry_for(dims);
    } catch (const FrameError&) {
      return;
    }
    fail("geometry_for accepts more than max_dims dimensions");
  }
  decode_raw(dtype, wire::Shape(dims), in.rest);
}

}  // namespace
}  // namespace netgear::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::span<const std::uint8_t> input(data, size);
  try {
    if (data[0] % 2 == 0) {
      netgear::fuzz::from_header(input.subspan(1));
    } else {
      netgear::fuzz::from_binary(input.subspan(1));
    }
  } catch (const netgear::wire::WireError&) {
  } catch (const netgear::FrameError&) {
  } catch (...) {
    netgear::fuzz::undocumented_exception();
  }
  return 0;
}
