#pragma once
// numpy arrays <-> netgear::Frame, without copying the pixels either way.
//
// Sending: the Frame borrows the array's buffer (a C-contiguous copy first
// only if the array is not contiguous) and holds a reference to the array
// until the last Mat referring to it is gone, so ZeroMQ can send it later
// (copy=False, PUB/SUB, inproc) while Python code drops its own reference.
// That reference is dropped through the ReleaseList (py_release.hpp), never
// by the thread that lets go of the Mat.
//
// Receiving: the array wraps the Frame's Mat, which wraps the network
// buffer; the array keeps the Mat alive. The array is writeable: the buffer
// belongs to this frame alone.
#include <string_view>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "netgear/frame.hpp"

namespace netgear::python {

/// A Frame over `obj` (a numpy array of a dtype netgear carries). Raises
/// TypeError if `obj` is not an array, ValueError naming the dtype if netgear
/// cannot carry it (int64, complex, object, big-endian, ...).
Frame frame_from_array(pybind11::handle obj, std::string_view what);

/// The numpy array of `frame`'s shape and dtype over its pixels (no copy).
pybind11::array array_from_frame(const Frame& frame);

/// True if `obj` is a numpy array.
bool is_array(pybind11::handle obj);

}  // namespace netgear::python
