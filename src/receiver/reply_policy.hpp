#pragma once
// What a receiver answers (patterns 0/1; PUB/SUB never answers), without a
// socket:
// - to a frame, or a message whose header is unreadable (so the sender stays
//   in step): vidgear's plain text; in bidirectional or multi-client mode a
//   JSON data reply with the return data and this receiver's port; a
//   returned frame as a two-part array reply to senders that read one
//   (vidgear >= 0.3), null to those that do not.
// - to a termination on REQ/REP: vidgear's acknowledgement text.
//
// The return data is set from any thread; the replies are made on the I/O
// thread only. The plain reply is made once: no allocation per frame.

#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <zmq.hpp>

#include "frame_codec.hpp"
#include "netgear/frame.hpp"
#include "netgear/options.hpp"
#include "wire/header.hpp"
#include "wire/reply.hpp"

namespace netgear::detail {

/// A reply to send: its first part (valid until the next reply is made) and,
/// for a returned frame, the payload as a second part.
struct ReplyMessage {
  std::string_view head;
  std::optional<zmq::message_t> payload;
};

class ReplyPolicy {
 public:
  /// `own_port`: the port this receiver names in multi-client replies.
  ReplyPolicy(const Settings& settings, std::string own_port, spdlog::logger& log);

  /// The reply to a frame message; `header` is null when it was unreadable.
  /// nullopt: no reply (PUB/SUB). `video`: the answer to a video offer or
  /// packet (netgear extension); it turns the plain text into a data reply
  /// whose `data` is that text.
  std::optional<ReplyMessage> to_frame(const wire::FrameHeader* header,
                                       const std::optional<wire::VideoAnswer>& video = std::nullopt);
  /// The reply to a termination; nullopt: none (PAIR, PUB/SUB).
  [[nodiscard]] std::optional<ReplyMessage> to_termination() const;

  /// Bidirectional mode: data, or a frame, for every following reply. Thread-safe.
  void set_return(nlohmann::json data);
  void set_return(Frame frame);

  /// Whether a sender that wrote `header` reads a two-part array reply:
  /// those exist since vidgear 0.3; a 0.1.x sender (raw frames say
  /// "compression": "") would misread one.
  static bool reads_array_replies(const wire::FrameHeader& header);

 private:
  std::optional<ReplyMessage> reply_to(const wire::FrameHeader* header);
  std::optional<ReplyMessage> with_frame(const Frame& frame);

  const Settings& settings_;
  const Encoding encoding_;  // for returned frames
  const nlohmann::json port_;  // multi-client: own_port; else null
  spdlog::logger& log_;
  const std::string plain_;  // "Data received on device: <id> !"
  std::string built_;        // the last reply made, when not plain_

  std::mutex return_mutex_;
  nlohmann::json return_data_;         // guarded by return_mutex_
  std::optional<Frame> return_frame_;  // guarded by return_mutex_
};

}  // namespace netgear::detail
