#pragma once
// netgear's C++ exceptions as Python exceptions. Misuse is a ValueError, as
// in vidgear; a failure of the world (binding, a lost peer) a RuntimeError:
//
//   netgear.Error                        every netgear exception
//   netgear.OptionError(Error, ValueError)   a bad option, parameter or combination (.key names it)
//   netgear.ModeError(Error, ValueError)     send() on a receiver, recv() on a sender, use after close()
//   netgear.FrameError(Error, ValueError)    a frame the wire cannot carry as asked
//   netgear.SetupError(Error, RuntimeError)  sockets or keys could not be set up
//   netgear.PeerLostError(Error, RuntimeError)  no reply for max_retries attempts in a row
// Any other netgear::Error is a plain RuntimeError.
#include <pybind11/pybind11.h>

namespace netgear::python {

/// Adds the exception classes to `module` and translates netgear::Error
/// (and its subclasses) thrown from any binding into them.
void register_errors(pybind11::module_& module);

}  // namespace netgear::python
