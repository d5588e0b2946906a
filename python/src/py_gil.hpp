#pragma once
// Releasing the GIL around a blocking call, in a way a daemon thread survives
// at interpreter exit.
//
// Once the interpreter finalizes, a thread that takes the GIL back is ended
// with pthread_exit (Python 3.9 to 3.13), which unwinds its stack.
// pybind11's gil_scoped_release takes the GIL back in a noexcept destructor,
// where that unwind becomes std::terminate: a daemon thread blocked in send()
// or recv() aborted the whole process at exit. This destructor lets the
// unwind through (pybind11's dispatcher passes it on), so the thread just
// ends, as a pure-Python daemon thread does.
#include <pybind11/pybind11.h>

namespace netgear::python {

class GilRelease {
 public:
  GilRelease() noexcept : state_(PyEval_SaveThread()) {}
  // May end the thread (see above); never throws anything else.
  ~GilRelease() noexcept(false) { PyEval_RestoreThread(state_); }
  GilRelease(const GilRelease&) = delete;
  GilRelease& operator=(const GilRelease&) = delete;

 private:
  PyThreadState* state_;
};

}  // namespace netgear::python
