#pragma once
// The stream flags `netgear send` and `netgear recv` share: vidgear's NetGear
// parameters (address, port, protocol, pattern) and its options, as generic
// `-o KEY=VALUE` plus shortcuts for the common ones.

#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "netgear/netgear.hpp"

namespace netgear::tools {

struct StreamArgs {
  std::string address;              ///< "" = vidgear's default (localhost / *)
  std::vector<std::string> ports;   ///< empty = 5555; "0" = any free port (receiver)
  std::string protocol = "tcp";
  int pattern = 0;
  std::vector<std::string> options; ///< KEY=VALUE, vidgear option names
  bool jpeg = false;
  int jpeg_quality = 0;             ///< 0 = the option's default
  int secure = 0;
  std::string cert_dir;
  bool verbose = false;
  bool receiver_dials = false;      ///< recv --dial / send --listen
  // send: video coding (video_* options)
  std::string codec;                ///< video_codec
  std::string bitrate;              ///< video_bitrate: "2M", "500k", "2000000"
  int keyframe_interval = -1;       ///< video_keyframe_interval; -1 = the option's default
  std::string encoder;              ///< video_encoder, comma-separated
  std::string preset;               ///< video_preset
};

/// Adds the stream flags to a subcommand. `receiver` picks the help text's defaults.
void add_stream_flags(CLI::App& cmd, StreamArgs& args, bool receiver);

/// The options object: every -o KEY=VALUE (VALUE parsed as JSON when it is
/// JSON, else taken as a string) and the shortcuts. Throws OptionError for a
/// KEY=VALUE without '='.
nlohmann::json stream_options(const StreamArgs& args);

/// A flag's value as -o reads it: JSON when it parses as JSON, else the text
/// as a string ("hello" -> "hello", "3" -> 3). Throws OptionError naming `key`
/// for JSON nested deeper than max_json_depth.
nlohmann::json json_or_text(const std::string& text, const std::string& key);

/// The port(s) of the stream: a list only where the mode takes one (a
/// multi-server receiver, a multi-client sender). Throws OptionError.
PortSpec stream_port(const StreamArgs& args, const nlohmann::json& options, bool receive_mode);

/// Builds the NetGear. Throws OptionError / SetupError as NetGear does.
NetGear open_stream(const StreamArgs& args, bool receive_mode);

}  // namespace netgear::tools
