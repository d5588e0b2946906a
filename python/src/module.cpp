// netgear._netgear: the extension module behind the `netgear` Python package.
#include <pybind11/pybind11.h>

#include "py_errors.hpp"
#include "py_log.hpp"
#include "py_netgear.hpp"
#include "netgear/version.hpp"
#include "py_release.hpp"

PYBIND11_MODULE(_netgear, module) {
  module.doc() = "netgear: vidgear's NetGear on a C++ core — real-time video frames over ZeroMQ";
  module.attr("__version__") = netgear::version();  // as `netgear --version` prints it
  netgear::python::install_log_forwarding(module);  // before any NetGear makes its logger
  netgear::python::register_errors(module);
  netgear::python::register_netgear(module);
  netgear::python::register_release_list(module);
}
