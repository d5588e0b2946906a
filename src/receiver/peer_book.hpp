#pragma once
// Who is connected to a receiver, from its socket monitor's events (accepted,
// disconnected) and the frames that arrive. Socket-free, so the rules are unit
// tested; the receiver's I/O thread feeds it and asks it two questions:
//  - have the senders all gone? A connection becomes a *sender* once a valid
//    frame came from it (a refused or idle peer never does). When the last open
//    sender disconnects, the clock starts; a frame from an open connection
//    stops it. gone_deadline() is when to end the stream; a peer connected at
//    that moment (maybe the sender coming back) postpones it until it leaves.
//  - is an idle peer holding a PAIR socket? PAIR takes one peer at a time: an
//    open connection that has sent nothing, while another peer connected after
//    it and no frame has arrived from anyone since, is probably holding the slot.
// Entries are keyed by file descriptor, so a missed disconnect is replaced when
// the kernel reuses the number: the book holds at most one open and one closed
// entry per fd number, and the kernel hands out the lowest free numbers.
// Not thread-safe: one thread (the receiver's I/O thread) owns it.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace netgear::detail {

class PeerBook {
 public:
  using Clock = std::chrono::steady_clock;
  using Time = Clock::time_point;
  using Milliseconds = std::chrono::milliseconds;

  /// idle_after: how long a silent peer holds a PAIR socket before idle_holder()
  /// reports it; warn_every: how often it is reported again.
  explicit PeerBook(Milliseconds idle_after = std::chrono::seconds(3),
                    Milliseconds warn_every = std::chrono::seconds(30));

  void accepted(int fd, std::string address, Time now);
  void disconnected(int fd, Time now);
  /// A valid frame came from connection `fd` (the message's ZMQ_SRCFD). A frame
  /// read after its connection's disconnect was noted (the sender sent and left
  /// before the receiver read) makes that connection a sender that left then.
  /// An fd never seen (inproc: -1) changes nothing.
  void frame_from(int fd, Time now);

  [[nodiscard]] std::size_t connected() const { return open_.size(); }
  [[nodiscard]] std::size_t senders() const;
  /// When the last open sender disconnected; nullopt while one is connected, or
  /// before any connection sent a frame, or once a frame came since.
  [[nodiscard]] std::optional<Time> all_gone_since() const { return gone_since_; }
  /// all_gone_since() + grace, or nullopt: not gone, or a peer is connected now.
  [[nodiscard]] std::optional<Time> gone_deadline(Milliseconds grace) const;

  struct IdlePeer {
    std::string address;
    Milliseconds held{};       ///< connected this long without a frame
    std::uint64_t later = 0;   ///< peers that connected after it while it was there
  };
  /// The peer to warn about now (see the file comment), at most once per
  /// warn_every; call warned() after warning.
  [[nodiscard]] std::optional<IdlePeer> idle_holder(Time now) const;
  /// When idle_holder() may next return a peer; nullopt: not before another event.
  [[nodiscard]] std::optional<Time> idle_holder_due() const;
  void warned(Time now) { warned_at_ = now; }

 private:
  struct Connection {
    std::string address;
    Time since;
    std::uint64_t accept_index = 0;  // accepts_ when it came
    std::uint64_t frames = 0;
  };
  // The oldest open connection without a frame that a later peer came after.
  [[nodiscard]] const Connection* idle_candidate() const;

  Milliseconds idle_after_, warn_every_;
  std::map<int, Connection> open_;
  std::map<int, Time> closed_;  // fd -> when it closed, until the number is accepted again
  std::uint64_t accepts_ = 0;
  std::optional<Time> last_frame_;
  std::optional<Time> gone_since_;
  std::optional<Time> warned_at_;
};

}  // namespace netgear::detail
