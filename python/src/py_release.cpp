#include "py_release.hpp"

#include <utility>

namespace py = pybind11;

namespace netgear::python {

ReleaseList& ReleaseList::instance() {
  static auto* list = new ReleaseList;  // leaked: see the header
  return *list;
}

void ReleaseList::hand_in(PyObject* obj) noexcept {
  std::lock_guard lock(mutex_);
  if (stopped_) return;  // leaked: the interpreter is exiting
  try {
    objects_.push_back(obj);
  } catch (...) {  // std::bad_alloc: leaking one object beats aborting in libzmq's thread
  }
}

void ReleaseList::drain() noexcept {
  std::vector<PyObject*> objects;
  {
    std::lock_guard lock(mutex_);
    objects.swap(objects_);
  }
  // Outside the lock: a drop runs arbitrary destructors, which may hand in
  // or drain again.
  for (PyObject* obj : objects) Py_DECREF(obj);
  // Keep the capacity, so the next frames' hand_in() does not allocate.
  std::lock_guard lock(mutex_);
  if (objects_.empty() && objects.capacity() > objects_.capacity()) {
    objects.clear();
    objects_.swap(objects);
  }
}

void ReleaseList::stop() noexcept {
  drain();
  std::lock_guard lock(mutex_);
  stopped_ = true;
  objects_.clear();  // handed in since drain(): leaked as well
}

std::size_t ReleaseList::pending() const {
  std::lock_guard lock(mutex_);
  return objects_.size();
}

std::shared_ptr<void> python_owner(py::object obj) {
  // The deleter runs on whichever thread drops the last Mat over the buffer.
  return {obj.release().ptr(), [](void* p) { ReleaseList::instance().hand_in(static_cast<PyObject*>(p)); }};
}

void register_release_list(py::module_& module) {
  // atexit runs while the interpreter is whole (before finalization starts);
  // callbacks run last-registered first, so a user's hook that closes its
  // NetGear objects still gets its arrays dropped here.
  py::module_::import("atexit").attr("register")(py::cpp_function([] { ReleaseList::instance().stop(); }));
  module.def("_pending_releases", [] { return ReleaseList::instance().pending(); },
             "Internal, for the tests: references to sent arrays not yet dropped.");
}

}  // namespace netgear::python
