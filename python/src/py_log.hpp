#pragma once
// logging=True in Python: the library's log records go to Python's `logging`
// module, logger "netgear", instead of spdlog's stderr lines.
//
// Records come from C++ threads (the receiver's I/O thread, encode workers)
// that must never wait for the GIL: Python-facing calls release it while they
// join those threads, so a sink that took the GIL could deadlock. The sink
// only appends to a bounded queue (kMaxQueued records; beyond, records are
// counted as dropped and reported once forwarding resumes); the module
// forwards the queue to `logging` under the GIL at every call (LogScope) and
// from `netgear._netgear._forward_logs()`.

#include <pybind11/pybind11.h>

namespace netgear::python {

/// Makes the "netgear" spdlog logger write into the queue. Call once at import,
/// before any NetGear exists.
void install_log_forwarding(pybind11::module_& module);

/// Forwards the queued records to logging.getLogger("netgear"). GIL held.
/// A handler that raises is reported as unraisable; the rest still go.
void forward_logs() noexcept;

/// Forwards when made and when gone, so records a call caused appear when it
/// returns. GIL held.
class LogScope {
 public:
  LogScope() noexcept { forward_logs(); }
  ~LogScope();
  LogScope(const LogScope&) = delete;
  LogScope& operator=(const LogScope&) = delete;
};

}  // namespace netgear::python
