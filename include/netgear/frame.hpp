#pragma once
/// \file
/// Frame: a cv::Mat together with the numpy shape and dtype it travels as.
///
/// On the wire a frame is a C-contiguous array described by a numpy dtype name
/// ("uint8", "float32", ...) and a shape ([480, 640, 3], [2, 3, 4, 5], ...).
/// A cv::Mat describes the same memory as rows x cols x channels (or n sizes x
/// channels); Frame keeps both views so an n-dimensional array sent from Python
/// comes back out with its exact shape.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include <opencv2/core/mat.hpp>

// The public API: exported from libnetgear.so (symbols are hidden by default).
#pragma GCC visibility push(default)
namespace netgear {

/// The element types netgear carries; names are numpy's.
///
/// uint32, int64, uint64 and complex64 have no OpenCV depth: their Mat holds
/// the bits in a depth of the same element size (uint32 in CV_32S; int64,
/// uint64 and complex64 in CV_64F) and Frame::dtype() says what they are —
/// read them with mat.ptr<std::int64_t>() and the like. They travel raw (no
/// codec takes them) and arrive bit for bit.
enum class Dtype { uint8, int8, uint16, int16, int32, float16, float32, float64, boolean, uint32, int64, uint64, complex64 };

/// numpy name of a dtype ("uint8", ..., "bool").
std::string_view dtype_name(Dtype dtype) noexcept;
/// Parses a numpy dtype name ("uint16") or array-protocol string ("<u2", "|u1");
/// nullopt for anything netgear cannot carry (int64, complex, big-endian, ...).
std::optional<Dtype> dtype_from_name(std::string_view name) noexcept;
/// Bytes per element.
std::size_t dtype_size(Dtype dtype) noexcept;
/// OpenCV depth (CV_8U, ...) holding this dtype; bool travels as CV_8U, and
/// the dtypes OpenCV has no depth for in one of the same size (see Dtype).
int dtype_cv_depth(Dtype dtype) noexcept;
/// dtype of an OpenCV depth; nullopt for depths numpy has no name for.
std::optional<Dtype> dtype_from_cv_depth(int depth) noexcept;

/// A frame: pixel data as a cv::Mat, plus its numpy shape and dtype.
///
/// Copying a Frame is cheap and shares the pixels (like cv::Mat). A received
/// Frame may wrap the network buffer directly (no copy); the buffer lives as
/// long as any Mat referring to it, so mat() can be kept after the Frame dies.
class Frame {
 public:
  /// An empty frame (empty() is true).
  Frame() = default;

  /// A frame whose shape follows from the Mat: [rows, cols] plus [channels]
  /// when channels > 1; an n-dimensional Mat gives its sizes plus [channels].
  /// Throws FrameError for a depth with no numpy name (CV_16F is float16).
  Frame(cv::Mat mat);  // NOLINT(google-explicit-constructor): a Mat is a frame

  /// A frame with an explicit numpy shape and dtype over the Mat's elements,
  /// for arrays a Mat cannot describe alone (1-D, [H, W, 1], 5-D, bool).
  /// Throws FrameError if the shape's element count or the dtype's size does
  /// not match the Mat.
  Frame(cv::Mat mat, std::vector<std::size_t> shape, Dtype dtype);

  /// A frame over C-contiguous memory someone else owns, without a copy:
  /// `data` holds product(shape) * dtype_size(dtype) bytes laid out as numpy
  /// would ([H, W] and [H, W, C] become an H x W Mat with C channels). `owner`
  /// is held as long as any Mat refers to the pixels and released by
  /// whichever thread drops the last reference — after a zero-copy send that
  /// may be ZeroMQ's I/O thread. A zero-sized shape gives an empty frame.
  /// For bindings (numpy arrays) and buffers from other libraries.
  static Frame borrow(void* data, std::vector<std::size_t> shape, Dtype dtype, std::shared_ptr<void> owner);
  /// The pixels. Empty for an empty frame.
  [[nodiscard]] const cv::Mat& mat() const noexcept { return mat_; }
  /// The numpy shape, e.g. {480, 640, 3}.
  [[nodiscard]] const std::vector<std::size_t>& shape() const noexcept { return shape_; }
  /// The numpy dtype.
  [[nodiscard]] Dtype dtype() const noexcept { return dtype_; }
  [[nodiscard]] bool empty() const noexcept { return mat_.empty(); }
  /// Number of payload bytes: product(shape) * dtype_size(dtype).
  [[nodiscard]] std::size_t byte_size() const noexcept;

  /// The same frame with contiguous pixels (a copy only if mat() is not
  /// continuous, e.g. a region of interest).
  [[nodiscard]] Frame contiguous() const;

  /// The payload bytes, row-major. Requires mat().isContinuous().
  [[nodiscard]] std::span<const std::byte> bytes() const noexcept;

 private:
  cv::Mat mat_;
  std::vector<std::size_t> shape_;
  Dtype dtype_ = Dtype::uint8;
};

}  // namespace netgear
#pragma GCC visibility pop
