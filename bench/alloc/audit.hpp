#pragma once
// Heap allocations per frame on the raw (uncompressed) path, counted per
// thread by alloc_counter: netgear's Sender -> Receiver, and the ceiling —
// the same two-part messages and replies over plain cppzmq sockets. One frame
// is in flight at a time (the sender waits until the frame has come out of
// recv()), so every frame costs the same and the counts are deterministic
// apart from libzmq's own occasional pipe-chunk allocations.
//
// libzmq allocates per message too (zmq_msg_init_size / init_data on the
// sending thread, decoder buffers on its I/O thread), on both sides of the
// comparison; netgear's own cost is its count minus the raw count.
//
// An executable using this must link the netgear_alloc_counter object library.

#include <cstdint>
#include <string>
#include <vector>

#include "netgear/types.hpp"

namespace netgear::alloc_audit {

/// netgear's own heap allocations per frame on the steady-state raw path:
/// its count minus raw cppzmq's for the same messages on the same threads
/// (docs/performance.md). tests/alloc holds netgear to these.
///
/// Sender, PUB/SUB: none. PAIR and REQ/REP: 2 for the receiver's reply text,
/// handed back as a json string in SendResult::reply (vidgear's send()
/// returns it).
inline constexpr int sender_budget(Pattern pattern) { return pattern == Pattern::pub_sub ? 0 : 2; }
/// Receiver (its I/O thread and the recv() caller): 1, the received Frame's
/// own std::vector shape (Frame::shape() is public API). The pixels stay in
/// the ZeroMQ message, held in a recycled block; the queue reuses its slots.
inline constexpr int receiver_budget = 1;

struct Case {
  Pattern pattern = Pattern::pub_sub;
  Protocol protocol = Protocol::tcp;
  bool copy = false;  ///< the sender's `copy` option (raw: copy into the message or lend the buffer)
  int rows = 480, cols = 640, channels = 3;
  int warmup = 200;   ///< frames before counting starts
  int frames = 2000;  ///< frames counted
};

/// What a run allocated while the counted frames went through, by thread.
struct Tally {
  std::uint64_t frames = 0;       ///< frames delivered while counting
  std::uint64_t send_calls = 0;   ///< send() calls while counting (PUB/SUB retries a dropped frame)
  std::uint64_t sender = 0;       ///< the thread that sends
  std::uint64_t receiver_io = 0;  ///< netgear: the Receiver's I/O thread; raw: the receiving thread
  std::uint64_t consumer = 0;     ///< netgear: the thread calling recv(); raw: none (0)
  std::uint64_t zmq = 0;          ///< libzmq's background threads (ZMQbg/*)
  std::uint64_t other = 0;        ///< any other thread
  /// Allocations of at least the payload's size on the sending, receiving and
  /// consuming threads: a copy of the pixels.
  std::uint64_t sender_large = 0, receiver_large = 0;
  /// inproc with copy=false only: every received frame's pixels were the
  /// sender's own buffer (ZeroMQ passed the message without a copy and the
  /// receiver wrapped it). Always false otherwise.
  bool same_buffer = false;

  [[nodiscard]] std::uint64_t receiver() const { return receiver_io + consumer; }
  [[nodiscard]] double per_frame(std::uint64_t count) const {
    return frames ? static_cast<double>(count) / static_cast<double>(frames) : 0.0;
  }
};

/// Runs `c` through a netgear Sender and Receiver. Throws std::runtime_error
/// if a frame does not arrive within 10 s.
Tally measure_netgear(const Case& c);

/// Runs `c` over plain cppzmq sockets (PAIR/PAIR, REQ/REP, XPUB/SUB), the
/// receiver replying as netgear does on patterns 0/1.
Tally measure_raw(const Case& c);

/// One call site of allocations made during a netgear run.
struct Site {
  std::string thread;     ///< "sender", "receiver I/O", "recv() caller", "zmq", "other"
  std::string stack;      ///< innermost first, one frame per line
  std::uint64_t count = 0;
};

/// Runs `c` through netgear recording the call stack of every allocation
/// while counting (keep c.frames small: stacks are kept in static storage),
/// grouped by thread and stack, most frequent first. For finding out where
/// the allocations come from.
std::vector<Site> netgear_sites(const Case& c, Tally& tally);

/// "pattern 2 (pub_sub) copy=false 640x480x3 over tcp".
std::string describe(const Case& c);

}  // namespace netgear::alloc_audit
