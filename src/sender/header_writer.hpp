#pragma once
// Writes each frame's JSON header into one reused buffer: no allocation per
// frame once it has grown (wire::encode_header). Numbers the frames (seq)
// and, in multi-server mode, stamps this sender's port label.
//
// Not thread-safe: the Sender writes headers under its I/O lock, in the
// order the frames go out.

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "frame_codec.hpp"
#include "netgear/options.hpp"
#include "wire/header.hpp"

namespace netgear::detail {

class HeaderWriter {
 public:
  explicit HeaderWriter(const Settings& settings)
      : pattern_(static_cast<char>('0' + static_cast<int>(settings.pattern))),
        port_label_(settings.options.multiserver_mode ? nlohmann::json(settings.effective_ports().front())
                                                      : nlohmann::json()) {}

  /// The header of the next frame; valid until the next call.
  const std::string& frame(const PayloadInfo& info, const nlohmann::json& message, std::int64_t sent_ns) {
    wire::encode_header(text_, {info.compression, message, std::string_view(&pattern_, 1), info.dtype,
                                info.shape ? &*info.shape : nullptr, port_label_, next_seq_++, sent_ns,
                                info.video_offer});
    return text_;
  }

  /// The termination message (with the port label in multi-server mode).
  [[nodiscard]] std::string termination() const { return wire::encode_termination({port_label_}); }

 private:
  const char pattern_;
  const nlohmann::json port_label_;
  std::uint64_t next_seq_ = 0;
  std::string text_;
};

}  // namespace netgear::detail
