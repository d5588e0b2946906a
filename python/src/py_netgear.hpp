#pragma once
// netgear.NetGear: vidgear's NetGear for Python on the C++ core.
//
//   NetGear(address=None, port=None, protocol=None, pattern=0,
//           receive_mode=False, logging=False, **options)
//   send(frame, message=None)  -> None; the receiver's data in bidirectional
//                                 mode; (port, data) in multi-client mode
//   recv(return_data=None)     -> frame; (message, frame) in bidirectional
//                                 mode; (port, frame) or (port, message,
//                                 frame) in multi-server mode; None at the end
//   close()
//
// The GIL is released while send() and recv() block, and while close()
// waits; Ctrl+C (KeyboardInterrupt) interrupts a blocking recv().
#include <optional>

#include <pybind11/pybind11.h>

#include "netgear/netgear.hpp"

namespace netgear::python {

class PyNetGear {
 public:
  PyNetGear(const pybind11::object& address, const pybind11::object& port, const pybind11::object& protocol,
            const pybind11::object& pattern, bool receive_mode, bool logging, const pybind11::kwargs& options);
  /// Closes with the GIL released (closing waits for the I/O threads), then
  /// drops the sent arrays the closed side let go of.
  ~PyNetGear();
  PyNetGear(const PyNetGear&) = delete;
  PyNetGear& operator=(const PyNetGear&) = delete;

  pybind11::object send(const pybind11::object& frame, const pybind11::object& message);
  pybind11::object recv(const pybind11::object& return_data);
  /// kill: vidgear 0.3's close(kill=True), NetGear::close(kill).
  void close(bool kill = false);
  /// PUB/SUB: waits (GIL released) until `count` receivers subscribed;
  /// False if `timeout` seconds passed first. Patterns 0/1: True at once.
  bool wait_for_receiver(double timeout, std::size_t count);

  [[nodiscard]] bool receive_mode() const;
  [[nodiscard]] bool closed() const noexcept { return closed_; }
  /// The side's counters as a dict (SenderStats / ReceiverStats fields).
  [[nodiscard]] pybind11::dict stats();
  /// Receive mode: why the stream ended ("terminated", "timed_out", "closed",
  /// "failed", "senders_gone"), None while it runs. ModeError in send mode.
  [[nodiscard]] pybind11::object end_reason();
  /// The endpoints bound (receiver, ports resolved) or connected to (sender).
  [[nodiscard]] pybind11::list endpoints();
  [[nodiscard]] std::string repr() const;

 private:
  // Never reset before the destructor: close() from another thread may run
  // while send()/recv() use it (the C++ side makes that safe).
  std::optional<NetGear> netgear_;
  bool closed_ = false;
  bool receive_mode_ = false;
  bool multiserver_ = false;
  bool multiclient_ = false;
  bool bidirectional_ = false;
};

/// Adds the NetGear class to `module`.
void register_netgear(pybind11::module_& module);

}  // namespace netgear::python
