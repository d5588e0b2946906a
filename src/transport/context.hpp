#pragma once
// The ZeroMQ context shared by every netgear object of the process (vidgear
// uses zmq.Context.instance() the same way). Sharing is what lets an inproc
// sender reach an inproc receiver.

#include <functional>
#include <memory>
#include <string_view>

#include <zmq.hpp>

namespace netgear::transport {

/// The process's netgear context, created on first use. Objects hold the
/// shared_ptr; when the last one lets go the context terminates, which waits
/// at most for the linger of sockets already closed (bounded by netgear).
std::shared_ptr<zmq::context_t> shared_context();

/// A service bound to `ctx` (such as the ZAP handler, which owns a socket of
/// it): made by `make` on the first request for `name`, then returned again;
/// destroyed, newest first, just before the context terminates, so its
/// sockets are closed by then. `make` must not keep a shared_ptr to `ctx`.
std::shared_ptr<void> context_service(const std::shared_ptr<zmq::context_t>& ctx, std::string_view name,
                                      const std::function<std::shared_ptr<void>(zmq::context_t&)>& make);

}  // namespace netgear::transport
