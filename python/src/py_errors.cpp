#include "py_errors.hpp"

#include <string>

#include "netgear/error.hpp"

namespace py = pybind11;

namespace netgear::python {
namespace {

// The classes, created once with the module and kept for its lifetime.
struct Classes {
  PyObject* error = nullptr;
  PyObject* option = nullptr;
  PyObject* mode = nullptr;
  PyObject* frame = nullptr;
  PyObject* setup = nullptr;
  PyObject* peer_lost = nullptr;
};

Classes& classes() {
  static Classes c;
  return c;
}

PyObject* make_class(py::module_& module, const char* name, py::tuple bases, const char* doc) {
  const std::string qualified = "netgear." + std::string(name);
  PyObject* cls = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases.ptr(), nullptr);
  if (cls == nullptr) throw py::error_already_set();
  module.add_object(name, py::handle(cls));  // the module holds a reference; so do we, for good
  return cls;
}

void raise(PyObject* cls, const char* what) { PyErr_SetString(cls, what); }

}  // namespace

void register_errors(py::module_& module) {
  Classes& c = classes();
  auto base = py::reinterpret_borrow<py::object>(PyExc_Exception);
  c.error = make_class(module, "Error", py::make_tuple(base), "Base of every netgear exception.");
  auto error = py::reinterpret_borrow<py::object>(c.error);
  auto value_error = py::reinterpret_borrow<py::object>(PyExc_ValueError);
  auto runtime_error = py::reinterpret_borrow<py::object>(PyExc_RuntimeError);
  c.option = make_class(module, "OptionError", py::make_tuple(error, value_error),
                        "An option, parameter or combination is invalid; .key names it.");
  c.mode = make_class(module, "ModeError", py::make_tuple(error, value_error),
                      "send() in receive mode, recv() in send mode, or a call after close().");
  c.frame = make_class(module, "FrameError", py::make_tuple(error, value_error),
                       "A frame cannot be put on the wire as asked.");
  c.setup = make_class(module, "SetupError", py::make_tuple(error, runtime_error),
                       "Sockets or keys could not be set up (bind, connect, key store).");
  c.peer_lost = make_class(module, "PeerLostError", py::make_tuple(error, runtime_error),
                           "The receiver did not reply for max_retries attempts in a row.");

  py::register_exception_translator([](std::exception_ptr p) {
    const Classes& k = classes();
    try {
      if (p) std::rethrow_exception(p);
    } catch (const OptionError& e) {
      py::object instance = py::reinterpret_steal<py::object>(PyObject_CallFunction(k.option, "s", e.what()));
      if (!instance) return;  // the call set its own error
      instance.attr("key") = e.key();
      PyErr_SetObject(k.option, instance.ptr());
    } catch (const ModeError& e) {
      raise(k.mode, e.what());
    } catch (const FrameError& e) {
      raise(k.frame, e.what());
    } catch (const SetupError& e) {
      raise(k.setup, e.what());
    } catch (const PeerLostError& e) {
      raise(k.peer_lost, e.what());
    } catch (const Error& e) {
      raise(PyExc_RuntimeError, e.what());  // any other failure
    }
  });
}

}  // namespace netgear::python
