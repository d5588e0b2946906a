#include "py_netgear.hpp"

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "py_frame.hpp"
#include "py_gil.hpp"
#include "py_json.hpp"
#include "py_log.hpp"
#include "py_release.hpp"

namespace py = pybind11;

namespace netgear::python {
namespace {

// How often a blocked recv() looks for Ctrl+C (and other Python signals).
constexpr std::chrono::milliseconds kSignalCheck{100};

// vidgear's port: None, an int, a str, or a list/tuple of them (multi modes).
PortSpec port_spec(const py::object& port) {
  if (port.is_none()) return {};
  if (py::isinstance<py::bool_>(port)) throw OptionError("port", "must be an int, a str or a list of them, not bool");
  if (py::isinstance<py::int_>(port)) return PortSpec(py::str(port).cast<std::string>());
  if (py::isinstance<py::str>(port)) return PortSpec(port.cast<std::string>());
  if (py::isinstance<py::list>(port) || py::isinstance<py::tuple>(port)) {
    std::vector<std::string> ports;
    for (py::handle p : port) {
      if (!py::isinstance<py::int_>(p) && !py::isinstance<py::str>(p))
        throw OptionError("port", "a port list holds ints or strs, not " +
                                      std::string(py::str(p.get_type().attr("__name__"))));
      ports.push_back(py::str(p).cast<std::string>());
    }
    return PortSpec(std::move(ports));
  }
  throw OptionError("port", "must be an int, a str or a list of them, not " +
                                std::string(py::str(port.get_type().attr("__name__"))));
}

int pattern_number(const py::object& pattern) {
  if (pattern.is_none()) return 0;
  if (py::isinstance<py::bool_>(pattern) || !py::isinstance<py::int_>(pattern))
    throw OptionError("pattern", "must be 0 (PAIR), 1 (REQ/REP) or 2 (PUB/SUB), not " +
                                     std::string(py::repr(pattern)));
  return pattern.cast<int>();
}

std::optional<std::string> optional_str(const py::object& value, const char* name) {
  if (value.is_none()) return std::nullopt;
  if (!py::isinstance<py::str>(value))
    throw OptionError(name, "must be a str, not " + std::string(py::str(value.get_type().attr("__name__"))));
  return value.cast<std::string>();
}

NetGear make_netgear(const py::object& address, const py::object& port, const py::object& protocol,
                     const py::object& pattern, bool receive_mode, bool logging, const py::kwargs& options) {
  auto json_options = nlohmann::json::object();
  for (auto [key, value] : options) {
    const auto name = key.cast<std::string>();
    json_options[name] = to_json(value, "option '" + name + "'");
  }
  const auto address_text = optional_str(address, "address");
  const std::string protocol_text = optional_str(protocol, "protocol").value_or("tcp");
  const PortSpec ports = port_spec(port);
  const int pattern_value = pattern_number(pattern);
  GilRelease release;  // binding, connecting, key generation
  return NetGear(address_text, ports, protocol_text, pattern_value, receive_mode, logging, json_options);
}

// vidgear's "if message:" — the message rides along only when it is truthy.
py::object message_or_none(const nlohmann::json& message) {
  return truthy(message) ? from_json(message) : py::none();
}

}  // namespace

PyNetGear::PyNetGear(const py::object& address, const py::object& port, const py::object& protocol,
                     const py::object& pattern, bool receive_mode, bool logging, const py::kwargs& options)
    : netgear_(make_netgear(address, port, protocol, pattern, receive_mode, logging, options)),
      receive_mode_(receive_mode) {
  const Options& o = receive_mode ? netgear_->receiver().settings().options : netgear_->sender().settings().options;
  multiserver_ = o.multiserver_mode;
  multiclient_ = o.multiclient_mode;
  bidirectional_ = o.bidirectional_mode;
  forward_logs();  // what setting up logged (the endpoints, secure mode)
}

PyNetGear::~PyNetGear() {
  if (PyGILState_Check() != 0) {
    {
      // pybind11's: a destructor must not let the unwind of an ending daemon
      // thread through (py_gil.hpp); the last reference is rarely dropped there.
      py::gil_scoped_release release;
      netgear_.reset();
    }
    ReleaseList::instance().drain();  // the arrays closing let go of
  } else {
    netgear_.reset();
  }
}

py::object PyNetGear::send(const py::object& frame, const py::object& message) {
  (void)netgear_->sender();  // ModeError in receive mode, before looking at the frame
  const LogScope logs;
  const DrainScope drain;    // made before `borrowed`, so it also drops what copy=True let go of
  const Frame borrowed = frame_from_array(frame, "send(frame)");
  const nlohmann::json data = to_json(message, "send(message)");
  SendResult result;
  {
    GilRelease release;
    result = netgear_->send(borrowed, data);
  }
  if (result.status != SendStatus::delivered) return py::none();
  py::object reply = result.reply_frame ? py::object(array_from_frame(*result.reply_frame)) : from_json(result.reply);
  if (multiclient_) return py::make_tuple(from_json(result.reply_port), reply);
  if (bidirectional_) return reply;
  return py::none();
}

py::object PyNetGear::recv(const py::object& return_data) {
  Receiver& receiver = netgear_->receiver();  // ModeError in send mode
  const LogScope logs;
  const DrainScope drain;
  if (!return_data.is_none()) {
    if (is_array(return_data)) {
      receiver.set_return_data(frame_from_array(return_data, "recv(return_data)"));
    } else {
      receiver.set_return_data(to_json(return_data, "recv(return_data)"));
    }
  }
  std::optional<Received> got;
  while (!got) {
    {
      GilRelease release;
      got = receiver.recv_for(kSignalCheck);
    }
    if (got) break;  // a frame in hand is returned even if a signal came meanwhile
    if (receiver.ended()) return py::none();
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();  // KeyboardInterrupt, ...
    forward_logs();  // what the I/O thread logged while this call waits
  }
  py::object frame = array_from_frame(got->frame);
  if (multiserver_) {
    py::object port = from_json(got->port);
    if (truthy(got->message)) return py::make_tuple(port, from_json(got->message), frame);
    return py::make_tuple(port, frame);
  }
  if (bidirectional_) return py::make_tuple(message_or_none(got->message), frame);
  return frame;
}

void PyNetGear::close(bool kill) {
  const LogScope logs;
  const DrainScope drain;  // after closing: what the flushed frames let go of
  closed_ = true;
  GilRelease release;
  netgear_->close(kill);
}

bool PyNetGear::wait_for_receiver(double timeout, std::size_t count) {
  if (!(timeout >= 0)) throw OptionError("timeout", "must be >= 0 seconds");
  Sender& sender = netgear_->sender();
  const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::duration<double>(timeout));
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (true) {  // in slices, so Ctrl+C gets through
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    bool ready = false;
    {
      GilRelease release;
      ready = sender.wait_for_receiver(std::clamp(left, std::chrono::milliseconds(0), kSignalCheck), count);
    }
    if (ready) return true;
    if (left <= kSignalCheck) return false;
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
  }
}

bool PyNetGear::receive_mode() const { return receive_mode_; }

py::dict PyNetGear::stats() {
  py::dict d;
  if (receive_mode_) {
    const ReceiverStats s = netgear_->receiver().stats();
    d["received"] = s.received;
    d["delivered"] = s.delivered;
    d["dropped"] = s.dropped;
    d["bad"] = s.bad;
    d["bytes"] = s.bytes;
    d["queued"] = s.queued;
    d["queued_bytes"] = s.queued_bytes;
    d["filtered"] = s.filtered;
    d["rejected"] = s.rejected;
    d["peers"] = s.peers;
    d["idle_peer_warnings"] = s.idle_peer_warnings;
    d["skipped"] = s.skipped;
  } else {
    const SenderStats s = netgear_->sender().stats();
    d["frames_sent"] = s.frames_sent;
    d["bytes_sent"] = s.bytes_sent;
    d["replies"] = s.replies;
    d["dropped"] = s.dropped;
    d["timeouts"] = s.timeouts;
    d["receivers"] = s.receivers;
    d["video_encoder"] = s.video_encoder;
    d["keyframes"] = s.keyframes;
    d["incapable_receivers"] = s.incapable_receivers;
  }
  return d;
}

py::object PyNetGear::end_reason() {
  const EndReason reason = netgear_->receiver().end_reason();
  if (reason == EndReason::none) return py::none();
  return py::str(std::string(to_string(reason)));
}

py::list PyNetGear::endpoints() {
  py::list list;
  for (const auto& e : receive_mode_ ? netgear_->receiver().endpoints() : netgear_->sender().endpoints())
    list.append(e);
  return list;
}

std::string PyNetGear::repr() const {
  auto& ng = const_cast<NetGear&>(*netgear_);
  const auto endpoints = receive_mode_ ? ng.receiver().endpoints() : ng.sender().endpoints();
  const Pattern pattern = receive_mode_ ? ng.receiver().settings().pattern : ng.sender().settings().pattern;
  return fmt::format("<netgear.NetGear {} {} {}{}>", receive_mode_ ? "receiving on" : "sending to",
                     fmt::join(endpoints, ", "), to_string(pattern), closed_ ? " (closed)" : "");
}

void register_netgear(py::module_& module) {
  py::class_<PyNetGear> cls(module, "NetGear", R"doc(
vidgear's NetGear on netgear's C++ core: real-time frames over ZeroMQ.

NetGear(address=None, port=None, protocol=None, pattern=0, receive_mode=False, logging=False, **options)

Send mode (receive_mode=False) connects to address (default "localhost") and
sends frames; receive mode binds address (default "*") and receives them.
Port defaults to 5555 (a list of ports in the multi-server / multi-client
modes), protocol to "tcp"; pattern is 0 (PAIR), 1 (REQ/REP) or 2 (PUB/SUB).
options are vidgear's (bidirectional_mode=True, jpeg_compression=True, ...)
plus netgear's (queue_size, overflow_policy, receive_timeout, ...).
A bad option raises OptionError (a ValueError) naming it.
)doc");
  cls.attr("__module__") = "netgear";  // where users import it from
  cls.def(py::init<const py::object&, const py::object&, const py::object&, const py::object&, bool, bool,
                    const py::kwargs&>(),
           py::arg("address") = py::none(), py::arg("port") = py::none(), py::arg("protocol") = py::none(),
           py::arg("pattern") = 0, py::arg("receive_mode") = false, py::arg("logging") = false)
      .def("send", &PyNetGear::send, py::arg("frame"), py::arg("message") = py::none(), R"doc(
Sends a frame (a numpy array of any shape; dtype uint8, int8, uint16, int16,
int32, float16, float32, float64 or bool) with an optional JSON-able message.
Returns None; the receiver's data in bidirectional mode (an array if it
returned a frame); (port, data) in multi-client mode; None when no reply came
in time. Raises PeerLostError (a RuntimeError) after max_retries missed replies.
)doc")
      .def("recv", &PyNetGear::recv, py::arg("return_data") = py::none(), R"doc(
The next frame, waiting as long as the stream lasts: the array; (message,
frame) in bidirectional mode; (port, frame), or (port, message, frame) when
the message is truthy, in multi-server mode; None at the end of the stream.
return_data (bidirectional mode) goes back to the sender with the next replies.
Ctrl+C interrupts the wait with KeyboardInterrupt.
)doc")
      .def("close", &PyNetGear::close, py::arg("kill") = false, R"doc(
Ends the stream (a sender sends the termination) and closes. Idempotent.

kill=True (vidgear 0.3): stop at once rather than gracefully. A sender drops
frames still queued for encoding and offers the termination once without
waiting for its reply (as force_terminate); a receiver closes at once either
way (queued frames are discarded), so kill changes nothing there.)doc")
      .def("wait_for_receiver", &PyNetGear::wait_for_receiver, py::arg("timeout"), py::arg("count") = 0, R"doc(
PUB/SUB (send mode): waits up to `timeout` seconds until `count` receivers
have subscribed, since frames published before that reach nobody (ZeroMQ's
"slow joiner"). count=0 (the default): one per port, so a multi-client sender
waits for every receiver. Returns False on timeout. Patterns 0/1 return True
at once.
)doc")
      .def("stats", &PyNetGear::stats, "This side's counters as a dict.")
      .def_property_readonly("end_reason", &PyNetGear::end_reason, R"doc(
Receive mode: why the stream ended, once recv() has returned None:
"terminated" (the sender ended it), "timed_out" (receive_timeout),
"senders_gone" (every sender disconnected without ending it and none came
back within sender_gone_timeout), "closed" or "failed". None while it runs.
)doc")
      .def_property_readonly("endpoints", &PyNetGear::endpoints, "The endpoints bound or connected to.")
      .def_property_readonly("receive_mode", &PyNetGear::receive_mode)
      .def_property_readonly("closed", &PyNetGear::closed)
      .def("__enter__", [](PyNetGear& self) -> PyNetGear& { return self; }, py::return_value_policy::reference)
      .def("__exit__", [](PyNetGear& self, const py::args&) { self.close(false); return false; })
      .def("__repr__", &PyNetGear::repr);
}

}  // namespace netgear::python
