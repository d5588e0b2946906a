#pragma once
// Python objects let go of by threads that must not touch Python.
//
// A numpy array lent to ZeroMQ (copy=False) is referenced until ZeroMQ frees
// the message, which happens on a thread Python does not know: libzmq's I/O
// thread, or a Receiver's thread when an inproc frame is dropped from its
// queue. Such a thread may not take the GIL: it can deadlock (it may hold a
// lock a GIL-holding thread waits for, e.g. the receive queue's in stats()),
// and once the interpreter finalizes, taking the GIL ends the thread with
// pthread_exit, which aborts the process from inside libzmq.
//
// So the last reference only hands the object to the ReleaseList; Python-side
// code drops the references under the GIL (DrainScope in every send(),
// recv(), close(), and an atexit hook). Objects handed in after that hook are
// leaked on purpose: nothing can free them safely any more, and the process
// is ending. Only the public C API is used (Python 3.9 to 3.13).
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include <pybind11/pybind11.h>

namespace netgear::python {

class ReleaseList {
 public:
  /// The process-wide list. Never destroyed: I/O threads may still hand
  /// objects in while static destructors run.
  static ReleaseList& instance();

  /// Takes over one reference to `obj`. Any thread, GIL or not; never calls
  /// into Python and never throws (if memory runs out, `obj` is leaked).
  void hand_in(PyObject* obj) noexcept;
  /// Drops every reference handed in so far. GIL held. Reentrant: a
  /// destructor run by a drop may call into the module again.
  void drain() noexcept;
  /// Drains, then leaks whatever comes later (the interpreter is exiting).
  /// GIL held. Final: a module loaded into a later interpreter of the same
  /// process keeps leaking (those objects may belong to the old one).
  void stop() noexcept;
  /// References handed in and not yet dropped (for the tests).
  [[nodiscard]] std::size_t pending() const;

 private:
  ReleaseList() = default;

  mutable std::mutex mutex_;
  std::vector<PyObject*> objects_;  // guarded by mutex_
  bool stopped_ = false;            // guarded by mutex_
};

/// Drains the ReleaseList when made and again when gone, so a call of the
/// module frees what earlier frames let go of and what it let go of itself.
/// Make it before the objects whose release it should see (it is destroyed
/// after them). GIL held.
class DrainScope {
 public:
  DrainScope() noexcept { ReleaseList::instance().drain(); }
  // Not while a daemon thread is being ended at exit (see py_gil.hpp): its
  // stack unwinds without the GIL.
  ~DrainScope() {
    if (PyGILState_Check() != 0) ReleaseList::instance().drain();
  }
  DrainScope(const DrainScope&) = delete;
  DrainScope& operator=(const DrainScope&) = delete;
};

/// An owner that keeps `obj` alive from any thread: its last release hands
/// the reference to the ReleaseList. GIL held when called.
std::shared_ptr<void> python_owner(pybind11::object obj);

/// Registers the atexit hook that stops the ReleaseList, and the private
/// `_pending_releases()` used by the tests.
void register_release_list(pybind11::module_& module);

}  // namespace netgear::python
