#pragma once
// The ZeroMQ context shared by every netgear object of the process (vidgear
// uses zmq.Context.instance() the same way). Sharing is what lets an inproc
// sender reach an inproc receiver.

#include <memory>

#include <zmq.hpp>

namespace netgear::transport {

/// The process's netgear context, created on first use. Objects hold the
/// shared_ptr; when the last one lets go the context terminates, which waits
/// at most for the linger of sockets already closed (bounded by netgear).
std::shared_ptr<zmq::context_t> shared_context();

}  // namespace netgear::transport
