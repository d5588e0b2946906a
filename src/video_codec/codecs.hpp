#pragma once
// The video codecs netgear can send (netgear-to-netgear only: vidgear
// receivers decode still images, never these) and, for each, the encoders
// tried when the user names none: hardware first, where a machine has one,
// then software. Names are FFmpeg's.

#include <array>
#include <optional>
#include <string_view>

namespace netgear::video_codec {

struct CodecName {
  std::string_view name;              ///< as in the option and on the wire: "h264"
  std::string_view default_encoders;  ///< comma-separated FFmpeg encoder names, in order
};

/// h264: a Raspberry Pi's V4L2 memory-to-memory encoder, NVIDIA's NVENC, then
/// x264 and Cisco's OpenH264. (VAAPI and QSV need frames in GPU memory, which
/// this path does not upload: name them and they fail to open, with the
/// reason.)
inline constexpr std::array kCodecs{
    CodecName{"h264", "h264_v4l2m2m,h264_nvenc,libx264,libopenh264"},
};

/// The codec named `name` (exact, lower case), or nullopt.
inline std::optional<CodecName> find_codec(std::string_view name) {
  for (const auto& c : kCodecs)
    if (c.name == name) return c;
  return std::nullopt;
}

/// "h264" — the names of kCodecs, for error messages.
inline std::string_view codec_names() { return "h264"; }

/// True when this build has the video codecs (FFmpeg's libavcodec).
bool available() noexcept;

}  // namespace netgear::video_codec
