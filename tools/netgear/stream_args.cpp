#include "stream_args.hpp"

#include <iostream>

#include "netgear/error.hpp"
#include "netgear/json_limits.hpp"
#include "netgear/keys.hpp"

namespace netgear::tools {

void add_stream_flags(CLI::App& cmd, StreamArgs& args, bool receiver) {
  cmd.add_option("-a,--address", args.address,
                 receiver ? "address to bind (default *, every interface)" : "receiver's address (default localhost)");
  cmd.add_option("-p,--port", args.ports,
                 receiver ? "port to bind (default 5555; 0 = any free port, printed); several (-p 5566,5567) "
                            "with multiserver_mode"
                          : "receiver's port (default 5555); several (-p 5566,5567) with multiclient_mode")
      ->delimiter(',');
  cmd.add_option("--protocol", args.protocol, "tcp, ipc, inproc, pgm, epgm")->capture_default_str();
  cmd.add_option("--pattern", args.pattern, "0 PAIR, 1 REQ/REP, 2 PUB/SUB")->capture_default_str();
  cmd.add_option("-o,--option", args.options,
                 "a vidgear option, KEY=VALUE (VALUE as JSON, else a string), e.g. -o max_retries=5 -o "
                 "bidirectional_mode=true; repeatable");
  cmd.add_flag("--jpeg", args.jpeg, "jpeg_compression=true (TurboJPEG)");
  cmd.add_option("--jpeg-quality", args.jpeg_quality, "jpeg_compression_quality (10-100)")->check(CLI::Range(10, 100));
  cmd.add_option("--secure", args.secure, "secure_mode: 1 StoneHouse, 2 IronHouse")->check(CLI::Range(0, 2));
  cmd.add_option("--cert-dir", args.cert_dir, "custom_cert_location (the folder holding .vidgear/keys)");
  cmd.add_flag("-v,--verbose", args.verbose, "netgear's log lines (vidgear's logging=True)");
  if (receiver)
    cmd.add_flag("--dial", args.receiver_dials,
                 "receiver_dials=true: connect to a sender or relay that listens at -a/-p (default localhost) "
                 "instead of binding; the sender runs with --listen");
  else
    cmd.add_flag("--listen", args.receiver_dials,
                 "receiver_dials=true: bind -a/-p (default *) and let receivers dial in (recv --dial)");
  if (receiver) return;  // a receiver decodes whatever codec comes
  cmd.add_option("--codec", args.codec, "video_codec: code the frames as video (h264); netgear receivers only");
  cmd.add_option("--bitrate", args.bitrate, "video_bitrate: bits per second, e.g. 2M, 500k (default: constant quality)");
  cmd.add_option("--keyframe-interval", args.keyframe_interval, "video_keyframe_interval: frames between keyframes")
      ->check(CLI::Range(0, 100000));
  cmd.add_option("--encoder", args.encoder, "video_encoder: FFmpeg encoders to try in order, e.g. h264_nvenc,libx264");
  cmd.add_option("--preset", args.preset, "video_preset: the encoder's speed preset (libx264: ultrafast .. veryslow)");
}

nlohmann::json json_or_text(const std::string& text, const std::string& key) {
  auto value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return text;
  check_json_depth(value, key);  // before a copy (a copy recurses per level)
  return value;
}

nlohmann::json stream_options(const StreamArgs& args) {
  nlohmann::json options = nlohmann::json::object();
  for (const auto& item : args.options) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      throw OptionError(item, "expected KEY=VALUE after -o/--option, e.g. -o request_timeout=2");
    const std::string key = item.substr(0, eq), text = item.substr(eq + 1);
    options[key] = json_or_text(text, key);
  }
  if (args.jpeg) options["jpeg_compression"] = true;
  if (args.receiver_dials) options["receiver_dials"] = true;
  if (args.jpeg_quality != 0) {
    options["jpeg_compression"] = true;
    options["jpeg_compression_quality"] = args.jpeg_quality;
  }
  if (!args.codec.empty()) options["video_codec"] = args.codec;
  if (!args.bitrate.empty()) options["video_bitrate"] = args.bitrate;
  if (args.keyframe_interval >= 0) options["video_keyframe_interval"] = args.keyframe_interval;
  if (!args.encoder.empty()) options["video_encoder"] = args.encoder;
  if (!args.preset.empty()) options["video_preset"] = args.preset;
  if (args.secure != 0) options["secure_mode"] = args.secure;
  if (!args.cert_dir.empty()) options["custom_cert_location"] = args.cert_dir;
  return options;
}

PortSpec stream_port(const StreamArgs& args, const nlohmann::json& options, bool receive_mode) {
  const auto on = [&](const char* key) { return options.contains(key) && options[key] == true; };
  // A list of ports is the multi-server receiver's (it binds them all) or the
  // multi-client sender's (it connects to them all); the other side of each
  // mode has one port of its own.
  const bool takes_list = receive_mode ? on("multiserver_mode") : on("multiclient_mode");
  PortSpec port;
  if (takes_list && !args.ports.empty()) {
    port = PortSpec(args.ports);
  } else if (args.ports.size() == 1) {
    port = PortSpec(args.ports.front());
  } else if (args.ports.size() > 1) {
    throw OptionError("port", receive_mode ? "several ports to bind need -o multiserver_mode=true"
                                           : "several receiver ports need -o multiclient_mode=true");
  }
  return port;
}

NetGear open_stream(const StreamArgs& args, bool receive_mode) {
  const nlohmann::json options = stream_options(args);
  const PortSpec port = stream_port(args, options, receive_mode);
  std::optional<std::string> address;
  if (!args.address.empty()) address = args.address;
  NetGear stream(address, port, args.protocol, args.pattern, receive_mode, args.verbose, options);
  // Said even without -v: a store others can write lets them in (IronHouse).
  if (args.secure != 0)
    for (const auto& problem : KeyStore::at(args.cert_dir).problems()) std::cerr << "netgear: warning: " << problem << "\n";
  return stream;
}

}  // namespace netgear::tools
