#include "relay/input_tap.hpp"

#include <cstring>

namespace netgear::relay {
namespace {

// Frames the pipe holds before the relay's thread reads them: a few, so a
// frame never waits long there, and a burst of a multi-server input fits.
constexpr int kPipeFrames = 16;
// How long a termination may wait for room in the pipe.
constexpr int kEndWaitMs = 2000;
const std::string kCodec = "h264";  // what the relay takes: what netgear viewers decode

}  // namespace

InputTap::InputTap(zmq::context_t& ctx, const std::string& endpoint) : pipe_(ctx, zmq::socket_type::pair) {
  pipe_.set(zmq::sockopt::sndhwm, kPipeFrames);
  pipe_.set(zmq::sockopt::sndtimeo, kEndWaitMs);
  pipe_.set(zmq::sockopt::linger, 0);
  pipe_.connect(endpoint);
}

zmq::socket_t InputTap::open_inbox(zmq::context_t& ctx, const std::string& endpoint) {
  zmq::socket_t inbox(ctx, zmq::socket_type::pair);
  inbox.set(zmq::sockopt::rcvhwm, kPipeFrames);
  inbox.set(zmq::sockopt::linger, 0);
  inbox.bind(endpoint);
  return inbox;
}

std::optional<wire::VideoAnswer> InputTap::video_answer(const wire::FrameHeader& h, const std::string& label) {
  const bool packet = h.compression.kind == wire::Compression::Kind::video;
  if (!packet && h.video_offer.empty()) return std::nullopt;
  const std::string& codec = packet ? h.compression.codec : h.video_offer;
  wire::VideoAnswer answer{.accept = codec == kCodec ? kCodec : std::string()};
  std::lock_guard lock(wanted_mutex_);
  answer.keyframe = packet && keyframe_wanted_.erase(label) > 0;
  return answer;
}

void InputTap::want_keyframe(const std::string& label) {
  std::lock_guard lock(wanted_mutex_);
  keyframe_wanted_.insert(label);  // bounded: labels of streams the relay has seen
}

bool InputTap::send(const PacketNote& note, const std::string& label, const std::string& codec, zmq::message_t& head,
                    zmq::message_t* payload, zmq::send_flags wait) {
  const auto more = zmq::send_flags::sndmore;
  if (!pipe_.send(zmq::buffer(&note, sizeof note), more | wait)) return false;
  pipe_.send(zmq::buffer(label), more);
  pipe_.send(zmq::buffer(codec), more);
  pipe_.send(head, payload ? more : zmq::send_flags::none);
  if (payload) pipe_.send(*payload, zmq::send_flags::none);
  return true;
}

void InputTap::frame(const wire::FrameHeader& h, const std::string& label, zmq::message_t& head,
                     zmq::message_t& payload) {
  const bool video = h.compression.kind == wire::Compression::Kind::video;
  PacketNote note{.keyframe = video && h.compression.keyframe,
                  .has_seq = h.seq.has_value(),
                  .has_sent = h.sent_ns.has_value(),
                  .seq = h.seq.value_or(0),
                  .sent_ns = h.sent_ns.value_or(0)};
  auto lost = lost_.find(label);
  if (lost != lost_.end()) note.lost_before = lost->second;
  if (send(note, label, video ? h.compression.codec : std::string(), head, &payload, zmq::send_flags::dontwait)) {
    if (lost != lost_.end()) lost_.erase(lost);
  } else {
    ++lost_[label];
  }
}

void InputTap::termination(const std::string& label, zmq::message_t& head, bool ends) {
  lost_.erase(label);
  send(PacketNote{.ends = ends}, label, std::string(), head, nullptr, zmq::send_flags::none);
}

std::optional<Inbound> InputTap::read(zmq::socket_t& inbox) {
  std::vector<zmq::message_t> parts;
  for (bool more = true; more;) {
    zmq::message_t part;
    if (!inbox.recv(part, parts.empty() ? zmq::recv_flags::dontwait : zmq::recv_flags::none)) return std::nullopt;
    more = part.more();
    parts.push_back(std::move(part));
  }
  Inbound in;
  std::memcpy(&in.note, parts[0].data(), sizeof in.note);  // our own bytes, from the tap
  in.packet.label = parts[1].to_string();
  in.packet.codec = parts[2].to_string();
  in.packet.keyframe = in.note.keyframe;
  in.packet.head = std::move(parts[3]);
  if (parts.size() > 4) in.packet.payload = std::move(parts[4]);
  in.packet.arrived = Clock::now();
  return in;
}

}  // namespace netgear::relay
