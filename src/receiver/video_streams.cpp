#include "receiver/video_streams.hpp"

#include "video_codec/codecs.hpp"
#include "wire/peer_text.hpp"

namespace netgear::detail {

// A gap in the sequence numbers: a packet went missing, the next ones
// reference it. Noted once per packet (answer() and take() both ask).
void VideoStreams::note(Stream& s, const wire::FrameHeader& h) {
  if (!h.seq || (s.last_seq && *s.last_seq == *h.seq)) return;
  if (s.last_seq && *h.seq != *s.last_seq + 1) s.needs_keyframe = true;
  s.last_seq = h.seq;
}

VideoStreams::Stream* VideoStreams::stream(const std::string& label) {
  if (auto it = streams_.find(label); it != streams_.end()) return &it->second;
  if (streams_.size() >= max_streams) return nullptr;
  return &streams_[label];
}

std::optional<wire::VideoAnswer> VideoStreams::answer(const wire::FrameHeader& h, const std::string& label) {
  if (h.compression.kind != wire::Compression::Kind::video) {
    if (h.video_offer.empty()) return std::nullopt;
    // An offer: accepted when this build decodes that codec.
    const bool known = video_codec::available() && video_codec::find_codec(h.video_offer);
    return wire::VideoAnswer{.accept = known ? h.video_offer : std::string(), .keyframe = false};
  }
  auto* s = stream(label);
  if (s) note(*s, h);
  const bool known = video_codec::available() && video_codec::find_codec(h.compression.codec);
  return wire::VideoAnswer{.accept = known ? h.compression.codec : std::string(),
                           .keyframe = s && s->needs_keyframe && !h.compression.keyframe};
}

std::variant<Frame, Skipped, std::string> VideoStreams::take(const wire::FrameHeader& h, const zmq::message_t& payload,
                                                             const std::string& label) {
  const auto& c = h.compression;
  if (!video_codec::available()) return std::string("a video frame, and this build has no video codecs (libavcodec)");
  if (!video_codec::find_codec(c.codec)) return "a video frame in an unknown codec '" + wire::peer_text(c.codec) + "'";
  auto* found = stream(label);
  if (!found) return "a video stream from a new sender while " + std::to_string(max_streams) + " others are kept";
  auto& s = *found;
  note(s, h);
  if (s.needs_keyframe && !c.keyframe) return Skipped{};
  try {
    if (!s.decoder || s.codec != c.codec) {
      s.decoder = std::make_unique<video_codec::VideoDecoder>(c.codec, max_decoded_bytes_);
      s.codec = c.codec;
    } else if (c.keyframe && s.needs_keyframe) {
      s.decoder->reset();  // a fresh start: nothing of the damaged stream is
                           // referenced
    }
    const std::span<const unsigned char> bytes(static_cast<const unsigned char*>(payload.data()), payload.size());
    auto picture = s.decoder->decode(bytes, c.width, c.height, c.channels == 1);
    if (!picture) return Skipped{};
    s.needs_keyframe = false;
    return Frame(std::move(*picture));
  } catch (const std::exception& e) {  // codec::CodecError
    s.needs_keyframe = true;
    return std::string(e.what());
  }
}

}  // namespace netgear::detail
