#pragma once
// The relay's input, seen from the receiver's I/O thread: every valid
// message goes, untouched, over an inproc pipe to the relay's thread (which
// owns the viewer face), with what the relay needs to route it. The pipe is
// short: when the relay's thread falls behind, frames are dropped here and
// counted against their stream (a termination always goes through).
//
// It also answers video for the relay (patterns 0/1): any h264 is taken, as
// the relay forwards what it cannot decode, and a keyframe is asked for when
// the relay's thread wants one (a viewer joined or lost a packet).

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "receiver/frame_tap.hpp"
#include "relay/packet.hpp"

namespace netgear::relay {

/// What travels with a packet over the inproc pipe (the first part).
struct PacketNote {
  bool ends = false;             ///< a termination that ends the input's stream
  bool keyframe = false;
  bool has_seq = false, has_sent = false;
  std::uint64_t seq = 0;
  std::int64_t sent_ns = 0;      ///< the sender's clock (unix ns)
  std::uint64_t lost_before = 0; ///< frames of this stream dropped in the pipe before this one
};

/// A packet as read from the pipe.
struct Inbound {
  PacketNote note;
  Packet packet;
};

class InputTap final : public detail::FrameTap {
 public:
  /// Connects the sending end of the pipe `endpoint` (inproc) in `ctx`.
  InputTap(zmq::context_t& ctx, const std::string& endpoint);

  std::optional<wire::VideoAnswer> video_answer(const wire::FrameHeader& header, const std::string& label) override;
  void frame(const wire::FrameHeader& header, const std::string& label, zmq::message_t& head,
             zmq::message_t& payload) override;
  void termination(const std::string& label, zmq::message_t& head, bool ends) override;

  /// From the relay's thread: ask the sender of `label` for a keyframe.
  void want_keyframe(const std::string& label);

  /// The receiving end: binds `endpoint` on `socket` (a PAIR).
  static zmq::socket_t open_inbox(zmq::context_t& ctx, const std::string& endpoint);
  /// Reads one packet from the inbox without waiting; nullopt if none.
  static std::optional<Inbound> read(zmq::socket_t& inbox);

 private:
  bool send(const PacketNote& note, const std::string& label, const std::string& codec, zmq::message_t& head,
            zmq::message_t* payload, zmq::send_flags wait);

  zmq::socket_t pipe_;                             // I/O thread
  std::map<std::string, std::uint64_t> lost_;     // I/O thread; labels bounded by the input's roster
  std::mutex wanted_mutex_;
  std::set<std::string> keyframe_wanted_;          // guarded by wanted_mutex_
};

}  // namespace netgear::relay
