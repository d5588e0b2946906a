#include <algorithm>
#include <charconv>
#include <filesystem>
#include <utility>

#include "netgear/error.hpp"
#include "netgear/options.hpp"
#include "option_rules.hpp"
#include "video_codec/codecs.hpp"

namespace netgear {

PortSpec::PortSpec(int port) : values{std::to_string(port)} {}
PortSpec::PortSpec(std::string port) : values{std::move(port)} {}
PortSpec::PortSpec(const char* port) : values{std::string(port)} {}
PortSpec::PortSpec(std::vector<std::string> ports) : values(std::move(ports)), is_list(true) {}
PortSpec::PortSpec(std::initializer_list<int> ports) : is_list(true) {
  for (int p : ports) values.push_back(std::to_string(p));
}

std::string Settings::effective_address(Role role) const {
  if (address) return *address;
  return binds(role) ? "*" : "localhost";
}

bool Settings::binds(Role role) const { return (role == Role::receiver) != options.receiver_dials; }

std::vector<std::string> Settings::effective_ports() const {
  return port.values.empty() ? std::vector<std::string>{"5555"} : port.values;
}

namespace {

void require(bool ok, const char* key, const std::string& problem) {
  if (!ok) throw OptionError(key, problem);
}

void validate_tcp_port(const std::string& port, bool binds) {
  if (port == "*" || port == "0") {
    require(binds, "port",
            "'" + port + "' (any free port) only makes sense on the side that binds (the receiver, or the sender "
            "with receiver_dials)");
    return;
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  require(ec == std::errc() && end == port.data() + port.size() && value >= 1 && value <= 65535, "port",
          "'" + port + "' is not a TCP port (1-65535, or * / 0 on a receiver for any free port)");
}

// The SSH tunnel's combinations (vidgear refuses the first two too), and its
// files, which must exist when the sender is made.
// Video codecs: a sender's choice; they need a stream every receiver sees
// whole.
void validate_video(const Settings& s, Role role) {
  const Options& o = s.options;
  const Options defaults;
  if (o.video_codec.empty()) {
    const char* stray = o.video_bitrate != defaults.video_bitrate                       ? "video_bitrate"
                        : o.video_quality != defaults.video_quality                     ? "video_quality"
                        : o.video_keyframe_interval != defaults.video_keyframe_interval ? "video_keyframe_interval"
                        : !o.video_encoder.empty()                                      ? "video_encoder"
                        : !o.video_preset.empty()                                       ? "video_preset"
                        : o.video_fps != defaults.video_fps                             ? "video_fps"
                                                                                        : nullptr;
    require(!stray, stray, "has no effect unless video_codec is set");
    return;
  }
  require(role == Role::sender, "video_codec",
          "only applies to a sender; a receiver decodes every codec its build "
          "knows");
  require(video_codec::available(), "video_codec",
          "this netgear was built without FFmpeg's libavcodec "
          "(NETGEAR_VIDEO_CODEC=OFF or not found)");
  require(!o.jpeg_compression && o.compression_format.empty(),
          o.jpeg_compression ? "jpeg_compression" : "compression_format",
          "cannot be combined with video_codec; pick one");
  require(o.encode_threads == 1, "encode_threads",
          "cannot be combined with video_codec: a video encoder takes the "
          "frames one after another (it has threads of its own)");
  require(!(o.multiclient_mode && s.pattern == Pattern::req_rep), "video_codec",
          "cannot be used with multiclient_mode on pattern 1: REQ/REP deals "
          "the frames out round-robin, so no receiver "
          "gets every frame its decoder needs; use pattern 2 (PUB/SUB)");
}

void validate_ssh_tunnel(const Settings& s, Role role) {
  const Options& o = s.options;
  if (o.ssh_tunnel_mode.empty()) {
    for (const auto& [key, value] : {std::pair{"ssh_tunnel_pwd", &o.ssh_tunnel_pwd},
                                     std::pair{"ssh_tunnel_keyfile", &o.ssh_tunnel_keyfile},
                                     std::pair{"ssh_tunnel_known_hosts", &o.ssh_tunnel_known_hosts}})
      require(value->empty(), key, "has no effect unless ssh_tunnel_mode is set");
    return;
  }
  require(role == Role::sender, "ssh_tunnel_mode",
          "only applies to a sender (it reaches its receiver through SSH); the receiver binds as usual");
  require(!o.receiver_dials, "ssh_tunnel_mode",
          "cannot be combined with receiver_dials: the tunnel runs from a sender to a receiver that listens; with "
          "receiver_dials the sender listens, so run the tunnel on the receiver's side (ssh -L) and dial through it");
  require(!o.multiserver_mode && !o.multiclient_mode, "ssh_tunnel_mode",
          std::string("cannot be combined with ") + (o.multiserver_mode ? "multiserver_mode" : "multiclient_mode") +
              " (one tunnel leads to one receiver)");
  require(s.protocol == Protocol::tcp, "ssh_tunnel_mode",
          "needs protocol tcp: SSH forwards TCP ports, not " + std::string(to_string(s.protocol)));
  const auto address = s.effective_address(role);
  require(address != "*" && address.front() != '-' &&
              std::none_of(address.begin(), address.end(), [](unsigned char c) { return c <= 0x20 || c == 0x7f; }),
          "address", "'" + address + "' is not a host the SSH server can forward to");
  for (const auto& [key, path] : {std::pair{"ssh_tunnel_keyfile", &o.ssh_tunnel_keyfile},
                                  std::pair{"ssh_tunnel_known_hosts", &o.ssh_tunnel_known_hosts}}) {
    std::error_code ec;
    require(path->empty() || std::filesystem::is_regular_file(*path, ec), key,
            "'" + *path + "' is not an existing file");
  }
}

}  // namespace

void Settings::validate(Role role) const {
  const Options& o = options;
  const bool pubsub = pattern == Pattern::pub_sub;

  // Each field on its own (the rules Options::set applies), then enums a
  // static_cast may have put out of range, then the combinations.
  o.validate();
  detail::rules::check_pattern(pattern);
  detail::rules::check_protocol(protocol);

  // Combinations vidgear refuses too.
  require(!(o.multiserver_mode && o.multiclient_mode), "multiclient_mode",
          "cannot be combined with multiserver_mode; pick one");
  require(!(o.multiserver_mode && pattern == Pattern::pair), "multiserver_mode",
          "needs pattern 1 (REQ/REP) or 2 (PUB/SUB), not 0 (PAIR)");
  require(!(o.multiclient_mode && pattern == Pattern::pair), "multiclient_mode",
          "needs pattern 1 (REQ/REP) or 2 (PUB/SUB), not 0 (PAIR)");
  require(!(o.bidirectional_mode && pubsub), "bidirectional_mode",
          "needs pattern 0 (PAIR) or 1 (REQ/REP): PUB/SUB has no reply channel");
  validate_ssh_tunnel(*this, role);

  const Options defaults;
  require(!(o.jpeg_compression && !o.compression_format.empty()), "compression_format",
          "cannot be combined with jpeg_compression; pick one");
  require(o.compression_param.empty() || !o.compression_format.empty() || role == Role::receiver,
          "compression_param", "a list of encode parameters needs compression_format");
  require(role == Role::receiver || o.jpeg_compression ||
              (o.jpeg_compression_quality == defaults.jpeg_compression_quality &&
               o.jpeg_compression_colorspace == defaults.jpeg_compression_colorspace),
          o.jpeg_compression_quality != defaults.jpeg_compression_quality ? "jpeg_compression_quality"
                                                                           : "jpeg_compression_colorspace",
          "has no effect unless jpeg_compression is on");

  validate_video(*this, role);

  // Mode topology (vidgear's rules): who takes a list of ports.
  const bool explicit_port = !port.values.empty();
  if (o.multiserver_mode) {
    if (role == Role::receiver)  // one that dials may dial a relay's one port, which carries every sender
      require(port.is_list || o.receiver_dials, "port",
              "multiserver_mode needs a list of ports on the receiver, one per sender");
    else
      require(explicit_port && !port.is_list && port.values.front() != "0" && port.values.front() != "*", "port",
              "multiserver_mode needs this sender's own single port (it is the label the receiver sees; not any "
              "free port)");
  }
  if (o.multiclient_mode) {
    if (role == Role::sender)
      require(port.is_list, "port", "multiclient_mode needs a list of ports on the sender, one per receiver");
    else
      require(explicit_port && !port.is_list, "port", "multiclient_mode needs this receiver's own single port");
  }

  // Options that cannot act in this pattern: say so rather than ignore them.
  require(!o.subscriber_timeout || pubsub, "subscriber_timeout",
          "only applies to pattern 2 (PUB/SUB); use receive_timeout for patterns 0 and 1");
  require(!pubsub || (o.request_timeout == defaults.request_timeout && o.max_retries == defaults.max_retries),
          o.request_timeout != defaults.request_timeout ? "request_timeout" : "max_retries",
          "only applies to patterns 0 and 1 (PUB/SUB has no reply to wait for); use subscriber_timeout or "
          "receive_timeout");

  require(o.filter.empty() || (o.multiserver_mode && pubsub), "filter",
          "only applies to multi-server mode with pattern 2 (PUB/SUB)");
  require(!o.overwrite_cert || o.secure_mode != SecureMode::grasslands, "overwrite_cert",
          "only applies with secure_mode 1 or 2");
  require(o.custom_cert_location.empty() || o.secure_mode != SecureMode::grasslands, "custom_cert_location",
          "only applies with secure_mode 1 or 2");
  const bool compressed = o.jpeg_compression || !o.compression_format.empty();
  require(o.encode_threads == 1 || (role == Role::sender && compressed), "encode_threads",
          "only applies to a sender with jpeg_compression or compression_format (raw frames are not encoded)");
  require(o.encode_threads == 1 || !o.bidirectional_mode, "encode_threads",
          "cannot be combined with bidirectional_mode: send() returns before its frame goes out, so the "
          "receiver's reply could not belong to that frame");
  require(o.encode_threads == 1 || o.flag == 0, "encode_threads",
          "cannot be combined with flag=1: a queued frame cannot report a full socket");
  require(!(pubsub && o.overflow_policy == OverflowPolicy::block), "overflow_policy",
          "'block' cannot pace a PUB/SUB publisher; use drop_oldest or latest_only");
  require(o.allowed_addresses.empty() || o.secure_mode != SecureMode::grasslands, "allowed_addresses",
          "only applies with secure_mode 1 or 2");
  require(o.allowed_addresses.empty() || role == Role::receiver, "allowed_addresses",
          "only applies to a receiver (the CURVE server checks its clients)");
  require(o.allowed_addresses.empty() || protocol == Protocol::tcp, "allowed_addresses",
          "only applies to tcp (other transports carry no client address)");
  const bool gone_set = o.sender_gone_timeout && o.sender_gone_timeout->count() > 0;
  require(!gone_set || role == Role::receiver, "sender_gone_timeout",
          "only applies to a receiver (it watches its senders' connections)");
  require(!gone_set || protocol == Protocol::tcp || protocol == Protocol::ipc, "sender_gone_timeout",
          "needs tcp or ipc: libzmq reports no connections over " + std::string(to_string(protocol)) +
              "; use receive_timeout");
  require(o.secure_mode == SecureMode::grasslands || protocol == Protocol::tcp || protocol == Protocol::ipc,
          "secure_mode", "needs tcp or ipc: libzmq applies no CURVE to " + std::string(to_string(protocol)));
  require(!((protocol == Protocol::pgm || protocol == Protocol::epgm) && !pubsub), "protocol",
          std::string(to_string(protocol)) + " (multicast) only works with pattern 2 (PUB/SUB)");

  // Address and ports.
  require(!address || !address->empty(), "address", "is empty");
  const auto ports = effective_ports();
  const bool multi = o.multiserver_mode || o.multiclient_mode;
  require(!port.is_list || multi, "port",
          "a list of ports needs multiserver_mode (receiver) or multiclient_mode (sender)");
  for (const auto& p : ports) {
    require(!p.empty(), "port", "is empty");
    if (protocol == Protocol::tcp) validate_tcp_port(p, binds(role));
  }
}

}  // namespace netgear
