#include "sender/lifecycle.hpp"

#include "netgear/error.hpp"

namespace netgear::detail {

std::string_view to_string(SenderState state) noexcept {
  switch (state) {
    case SenderState::open: return "open";
    case SenderState::lost: return "lost";
    case SenderState::draining: return "draining";
    case SenderState::closing: return "closing";
    case SenderState::closed: return "closed";
  }
  return "unknown";
}

void Lifecycle::check_can_send() const {
  switch (state()) {
    case SenderState::open: return;
    case SenderState::lost: throw PeerLostError("netgear: send() after the receiver was given up as lost");
    default: throw ModeError("netgear: send() called after close()");
  }
}

}  // namespace netgear::detail
