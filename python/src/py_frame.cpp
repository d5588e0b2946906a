#include "py_frame.hpp"

#include <optional>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "py_release.hpp"

namespace py = pybind11;

namespace netgear::python {
namespace {

// netgear's dtype for a numpy dtype, by kind and size, native byte order only.
std::optional<Dtype> dtype_of(const py::dtype& dt) {
  if (dt.attr("byteorder").cast<std::string>() == ">") return std::nullopt;
  const auto size = dt.itemsize();
  switch (dt.kind()) {
    case 'b': return size == 1 ? std::optional(Dtype::boolean) : std::nullopt;
    case 'u':
      if (size == 1) return Dtype::uint8;
      if (size == 2) return Dtype::uint16;
      if (size == 4) return Dtype::uint32;
      if (size == 8) return Dtype::uint64;
      return std::nullopt;
    case 'i':
      if (size == 1) return Dtype::int8;
      if (size == 2) return Dtype::int16;
      if (size == 4) return Dtype::int32;
      if (size == 8) return Dtype::int64;
      return std::nullopt;
    case 'c': return size == 8 ? std::optional(Dtype::complex64) : std::nullopt;
    case 'f':
      if (size == 2) return Dtype::float16;
      if (size == 4) return Dtype::float32;
      if (size == 8) return Dtype::float64;
      return std::nullopt;
    default: return std::nullopt;
  }
}

// numpy's dtype for a netgear dtype.
py::dtype numpy_dtype(Dtype dtype) {
  return py::dtype(std::string(dtype_name(dtype)));
}

}  // namespace

bool is_array(py::handle obj) { return py::isinstance<py::array>(obj); }

Frame frame_from_array(py::handle obj, std::string_view what) {
  if (!is_array(obj))
    throw py::type_error(std::string(what) + " must be a numpy array, not " +
                         std::string(py::str(obj.get_type().attr("__name__"))));
  auto array = py::reinterpret_borrow<py::array>(obj);
  const auto dtype = dtype_of(array.dtype());
  if (!dtype)
    throw py::value_error(std::string(what) + ": netgear cannot carry numpy dtype " +
                          std::string(py::str(array.dtype())) +
                          "; use bool, (u)int8, (u)int16, (u)int32, (u)int64, float16, float32, float64 or "
                          "complex64 in native byte order, e.g. frame.astype(numpy.float64)");
  if (!(array.flags() & py::array::c_style)) array = py::array::ensure(array, py::array::c_style);
  std::vector<std::size_t> shape(array.shape(), array.shape() + array.ndim());
  void* data = const_cast<void*>(array.data());
  return Frame::borrow(data, std::move(shape), *dtype, python_owner(std::move(array)));
}

py::array array_from_frame(const Frame& frame) {
  const Frame contiguous = frame.contiguous();
  std::vector<py::ssize_t> shape(contiguous.shape().begin(), contiguous.shape().end());
  if (contiguous.mat().empty()) return py::array(numpy_dtype(contiguous.dtype()), std::move(shape));  // zero-sized
  auto* mat = new cv::Mat(contiguous.mat());
  py::capsule owner(mat, [](void* p) { delete static_cast<cv::Mat*>(p); });
  return py::array(numpy_dtype(contiguous.dtype()), std::move(shape), {}, mat->data, owner);
}

}  // namespace netgear::python
