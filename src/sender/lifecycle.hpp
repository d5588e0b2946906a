#pragma once
// The states of a Sender and the only moves between them. One atomic word
// replaces the flags (closing, closed, peer lost) that used to be read in
// different orders under different locks.
//
//   open ──────────► lost        max_retries replies in a row did not come
//   open ──────────► draining    close(): send() is refused; frames already
//                                queued for encoding still go out
//   draining ──────► lost        the peer was given up while draining
//   draining ──────► closing     every wait is woken, the termination is sent
//   lost ──────────► closing     (no termination: nobody would read it)
//   closing ───────► closed      the socket is closed
//
// Everything else is illegal and refused (advance() returns false).

#include <atomic>
#include <string_view>

namespace netgear::detail {

enum class SenderState { open, lost, draining, closing, closed };

std::string_view to_string(SenderState state) noexcept;

/// Whether `from` → `to` is one of the moves above.
constexpr bool legal(SenderState from, SenderState to) noexcept {
  using S = SenderState;
  switch (from) {
    case S::open: return to == S::lost || to == S::draining;
    case S::draining: return to == S::lost || to == S::closing;
    case S::lost: return to == S::closing;
    case S::closing: return to == S::closed;
    case S::closed: return false;
  }
  return false;
}

/// The state of one Sender; thread-safe.
class Lifecycle {
 public:
  [[nodiscard]] SenderState state() const noexcept { return state_.load(); }

  /// Moves from `from` to `to` if the state is `from` and the move is legal.
  bool advance(SenderState from, SenderState to) noexcept {
    return legal(from, to) && state_.compare_exchange_strong(from, to);
  }

  /// Throws what send() must throw in this state: PeerLostError when lost,
  /// ModeError once close() began.
  void check_can_send() const;

 private:
  std::atomic<SenderState> state_{SenderState::open};
};

}  // namespace netgear::detail
