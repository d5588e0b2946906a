#include "netgear/frame.hpp"

#include <array>
#include <functional>
#include <numeric>
#include <string>

#include <opencv2/core.hpp>

#include "netgear/error.hpp"
#include "wire/payload.hpp"

namespace netgear {
namespace {

struct DtypeInfo {
  Dtype dtype;
  std::string_view name;
  std::string_view array_protocol;  // numpy's little-endian/byte typestr
  std::size_t size;
  int depth;
};

// In Dtype's order. The last four have no OpenCV depth: a same-size depth
// carries their bits (after the real users of that depth, so depth -> dtype
// lookups find those first).
constexpr std::array<DtypeInfo, 13> kDtypes = {{
    {Dtype::uint8, "uint8", "|u1", 1, CV_8U},
    {Dtype::int8, "int8", "|i1", 1, CV_8S},
    {Dtype::uint16, "uint16", "<u2", 2, CV_16U},
    {Dtype::int16, "int16", "<i2", 2, CV_16S},
    {Dtype::int32, "int32", "<i4", 4, CV_32S},
    {Dtype::float16, "float16", "<f2", 2, CV_16F},
    {Dtype::float32, "float32", "<f4", 4, CV_32F},
    {Dtype::float64, "float64", "<f8", 8, CV_64F},
    {Dtype::boolean, "bool", "|b1", 1, CV_8U},
    {Dtype::uint32, "uint32", "<u4", 4, CV_32S},
    {Dtype::int64, "int64", "<i8", 8, CV_64F},
    {Dtype::uint64, "uint64", "<u8", 8, CV_64F},
    {Dtype::complex64, "complex64", "<c8", 8, CV_64F},
}};

const DtypeInfo& info(Dtype dtype) noexcept { return kDtypes[static_cast<std::size_t>(dtype)]; }

std::size_t product(const std::vector<std::size_t>& shape) noexcept {
  return std::accumulate(shape.begin(), shape.end(), std::size_t{1}, std::multiplies<>());
}

std::vector<std::size_t> shape_of(const cv::Mat& mat) {
  std::vector<std::size_t> shape;
  for (int i = 0; i < mat.dims; ++i) shape.push_back(static_cast<std::size_t>(mat.size[i]));
  if (mat.channels() > 1) shape.push_back(static_cast<std::size_t>(mat.channels()));
  return shape;
}

Dtype dtype_of(const cv::Mat& mat) {
  auto dtype = dtype_from_cv_depth(mat.depth());
  if (!dtype) throw FrameError("frame depth " + std::to_string(mat.depth()) + " has no numpy dtype");
  return *dtype;
}

}  // namespace

std::string_view dtype_name(Dtype dtype) noexcept { return info(dtype).name; }

std::optional<Dtype> dtype_from_name(std::string_view name) noexcept {
  for (const auto& d : kDtypes) {
    if (name == d.name || name == d.array_protocol) return d.dtype;
    // numpy also writes one-byte types with '<' or '=' and native types with '='.
    if (name.size() == 3 && (name[0] == '<' || name[0] == '=' || name[0] == '|') &&
        name.substr(1) == d.array_protocol.substr(1))
      return d.dtype;
  }
  return std::nullopt;
}

std::size_t dtype_size(Dtype dtype) noexcept { return info(dtype).size; }
int dtype_cv_depth(Dtype dtype) noexcept { return info(dtype).depth; }

std::optional<Dtype> dtype_from_cv_depth(int depth) noexcept {
  for (const auto& d : kDtypes)
    if (d.depth == depth) return d.dtype;  // CV_8U maps to uint8, listed before bool
  return std::nullopt;
}

Frame Frame::borrow(void* data, std::vector<std::size_t> shape, Dtype dtype, std::shared_ptr<void> owner) {
  return wire::frame_over(data, shape, dtype, wire::shared_hold(std::move(owner)));
}

Frame::Frame(cv::Mat mat) : mat_(std::move(mat)) {
  if (mat_.empty()) return;
  dtype_ = dtype_of(mat_);
  shape_ = shape_of(mat_);
}

Frame::Frame(cv::Mat mat, std::vector<std::size_t> shape, Dtype dtype)
    : mat_(std::move(mat)), shape_(std::move(shape)), dtype_(dtype) {
  if (mat_.elemSize1() != dtype_size(dtype_))
    throw FrameError("dtype " + std::string(dtype_name(dtype_)) + " has " + std::to_string(dtype_size(dtype_)) +
                     "-byte elements but the Mat's are " + std::to_string(mat_.elemSize1()) + " bytes");
  if (mat_.total() * static_cast<std::size_t>(mat_.channels()) != product(shape_))
    throw FrameError("shape has " + std::to_string(product(shape_)) + " elements but the Mat holds " +
                     std::to_string(mat_.total() * static_cast<std::size_t>(mat_.channels())));
}

std::size_t Frame::byte_size() const noexcept {
  return mat_.empty() ? 0 : product(shape_) * dtype_size(dtype_);
}

Frame Frame::contiguous() const {
  if (mat_.empty() || mat_.isContinuous()) return *this;
  Frame copy = *this;
  copy.mat_ = mat_.clone();
  return copy;
}

std::span<const std::byte> Frame::bytes() const noexcept {
  if (mat_.empty()) return {};
  return {reinterpret_cast<const std::byte*>(mat_.data), byte_size()};
}

}  // namespace netgear
