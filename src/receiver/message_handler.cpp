#include "receiver/message_handler.hpp"

#include "wire/peer_text.hpp"

namespace netgear::detail {
namespace {

const std::string& bad_label() {
  static const std::string text = "a 'port' label in multi-server mode that is not a string or an integer of at most " +
                                  std::to_string(Roster::max_label_bytes) + " bytes";
  return text;
}

std::chrono::system_clock::time_point wall_time(std::int64_t ns) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(ns)));
}

}  // namespace

MessageHandler::MessageHandler(const Settings& settings, std::vector<std::string> bound_ports)
    : options_(settings.options),
      decoding_(decoding_for(settings.options)),
      roster_(std::move(bound_ports)),
      video_(settings.options.max_decoded_size) {}

std::optional<wire::VideoAnswer> MessageHandler::video_answer(const wire::FrameHeader& h) {
  std::string label;  // the stream: one, or the sender's port label in multi-server mode
  if (options_.multiserver_mode) label = Roster::label(h.port).value_or(std::string());
  return video_.answer(h, label);
}

std::variant<wire::FrameHeader, wire::Termination, Rejected> MessageHandler::read_header(
    std::string_view first_part) const {
  try {
    auto header = wire::decode_header(first_part);
    if (auto* t = std::get_if<wire::Termination>(&header)) return std::move(*t);
    return std::move(std::get<wire::FrameHeader>(header));
  } catch (const wire::WireError& e) {
    return Rejected{e.what()};
  }
}

std::variant<std::string, Rejected, Filtered> MessageHandler::check_frame(const wire::FrameHeader& h,
                                                                         std::size_t count) const {
  if (count != 2) return Rejected{"a frame message has " + std::to_string(count) + " parts, not 2"};
  if (!options_.multiserver_mode) return std::string();
  if (h.port.is_null()) return Rejected{"a frame without a 'port' key in multi-server mode"};
  auto checked = Roster::label(h.port);
  if (!checked) return Rejected{bad_label()};
  if (!options_.filter.empty() && *checked != options_.filter) return Filtered{};
  if (!roster_.admits(*checked))
    return Rejected{"a frame from a new sender while " + std::to_string(Roster::max_senders) +
                    " others are streaming (multi-server mode keeps no more)"};
  return std::move(*checked);
}

std::variant<Received, Rejected, Filtered, Skipped> MessageHandler::take_frame(wire::FrameHeader& h,
                                                                               std::vector<zmq::message_t>& parts,
                                                                               std::size_t count) {
  auto checked = check_frame(h, count);
  if (auto* rejected = std::get_if<Rejected>(&checked)) return std::move(*rejected);
  if (std::holds_alternative<Filtered>(checked)) return Filtered{};
  // multi-server: the sender's, recorded once its frame proved valid
  const std::string label = std::move(std::get<std::string>(checked));
  Received got;
  if (h.compression.kind == wire::Compression::Kind::video) {
    auto decoded = video_.take(h, parts[1], label);
    if (std::holds_alternative<Skipped>(decoded)) return Skipped{};
    if (auto* why = std::get_if<std::string>(&decoded)) return Rejected{std::move(*why)};
    got.frame = std::move(std::get<Frame>(decoded));
  } else {
    try {
      got.frame = decode_payload({h.compression, h.dtype, h.shape}, std::move(parts[1]), decoding_);
    } catch (const std::exception& e) {  // wire::WireError, codec::CodecError
      return Rejected{e.what()};
    }
  }
  if (options_.multiserver_mode) roster_.frame_from(label);
  got.message = std::move(h.message);
  got.port = std::move(h.port);
  got.seq = h.seq;
  if (h.sent_ns) got.sent_at = wall_time(*h.sent_ns);
  got.received_at = std::chrono::system_clock::now();
  return got;
}

std::variant<Terminated, Rejected> MessageHandler::take_termination(const wire::Termination& t) {
  if (!options_.multiserver_mode) return Terminated{.ends = true};
  const auto label = Roster::label(t.port);
  if (!label) return Rejected{bad_label()};
  if (!options_.filter.empty() && *label != options_.filter) return Terminated{.ends = false};
  video_.forget(*label);
  return Terminated{.ends = roster_.terminate(*label)};
}

}  // namespace netgear::detail
