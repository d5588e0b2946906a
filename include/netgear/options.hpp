#pragma once
/// \file
/// Options (vidgear's `**options`, typed) and Settings (everything a Sender or
/// Receiver is built from).
///
/// Every vidgear option name is accepted by Options::set / Options::from_json;
/// an unknown key, a value of the wrong type, or a value out of range throws
/// OptionError naming the key. Each field has one rule (the range or names
/// documented on it), which set() applies to the value it reads and
/// Options::validate() to the typed field, so a value set in C++ is refused
/// exactly as the same value given as key/value. Settings::validate runs
/// those rules, then checks the combination (pattern, role, modes); every
/// Sender and Receiver constructor calls it.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "netgear/types.hpp"

// The public API: exported from libnetgear.so (symbols are hidden by default).
#pragma GCC visibility push(default)
namespace netgear {

using Milliseconds = std::chrono::milliseconds;

/// vidgear's options, with netgear's additions at the end.
struct Options {
  // -- exclusive modes (see docs/protocol.md) --------------------------------
  bool multiserver_mode = false;    ///< many senders -> one receiver (patterns 1, 2)
  bool multiclient_mode = false;    ///< one sender -> many receivers (patterns 1, 2)
  bool bidirectional_mode = false;  ///< receiver returns data with each reply (patterns 0, 1)
  bool force_terminate = false;     ///< sender close() does not wait for the receiver
  std::string filter;               ///< SUB prefix filter in multi-server PUB/SUB
  /// netgear: the receiver connects ("dials") and the sender binds, the
  /// reverse of vidgear's rule; set it on both sides. For a viewer behind
  /// NAT that dials out to a camera that listens, and for relays. The side
  /// that binds is the CURVE server in secure mode.
  bool receiver_dials = false;

  // -- secure mode -------------------------------------------------------------
  SecureMode secure_mode = SecureMode::grasslands;
  std::string custom_cert_location;  ///< key store base folder; empty = home directory
  bool overwrite_cert = false;       ///< sender: regenerate the key store

  // -- SSH tunnel (sender; vidgear 0.3) -----------------------------------------
  /// "user@host[:port]" (port 22 by default; an IPv6 host in brackets:
  /// "user@[::1]:2222"): the sender reaches the receiver through
  /// `ssh -N -L 127.0.0.1:<free port>:<address>:<port> user@host`, run with the
  /// system's OpenSSH client, so `address` is resolved by that SSH server.
  /// Empty: no tunnel. Sender only, tcp only, not with multiserver_mode or
  /// multiclient_mode. user and host must not start with '-' nor contain
  /// spaces or control characters. The unknown host keys are refused (add the
  /// host to known_hosts, or see ssh_tunnel_known_hosts).
  std::string ssh_tunnel_mode;
  /// Password for the SSH login, handed to ssh through a private SSH_ASKPASS
  /// helper (never on a command line); empty: key authentication only
  /// (BatchMode). No newline or NUL characters.
  std::string ssh_tunnel_pwd;
  /// Private key file for the SSH login (ssh -i); must exist.
  std::string ssh_tunnel_keyfile;
  /// netgear addition: known_hosts file that holds the SSH server's host key
  /// (UserKnownHostsFile); must exist. Empty: ssh's default (~/.ssh/known_hosts).
  std::string ssh_tunnel_known_hosts;

  // -- compression, seed style (OpenCV codecs) --------------------------------
  std::string compression_format;          ///< "", ".jpg", ".jpeg", ".png", ".bmp" (any case)
  std::vector<int> compression_param;      ///< sender: cv::imencode parameters
  std::optional<int> compression_decode_flag;  ///< receiver: cv::imdecode flag (int compression_param)

  // -- compression, latest vidgear style (TurboJPEG) --------------------------
  bool jpeg_compression = false;               ///< encode frames as JPEG
  /// Pixel layout of the frames given to send(), as simplejpeg names it (any
  /// case): RGB, BGR, RGBX, BGRX, XBGR, XRGB, GRAY, RGBA, BGRA, ABGR, ARGB, CMYK.
  std::string jpeg_compression_colorspace = "BGR";
  int jpeg_compression_quality = 90;           ///< 10..100
  bool jpeg_compression_fastdct = true;
  bool jpeg_compression_fastupsample = false;

  // -- video codecs (netgear to netgear; FFmpeg's libavcodec) ------------------
  /// Sender: code the frames as video ("h264"); "" (default): off. A codec
  /// predicts each frame from the ones before, so a stream needs a tenth of
  /// JPEG's bytes for the same picture. Only netgear receivers decode it: on
  /// patterns 0/1 the first frame goes as JPEG and asks the receiver; one
  /// that does not answer for the codec (vidgear) fails send() with
  /// ModeError, naming why. On PUB/SUB every receiver gets the same frames:
  /// a subscriber that cannot decode them is logged and counted
  /// (SenderStats::incapable_receivers). Receivers need no option; they
  /// decode what their build knows. Needs a build with libavcodec.
  std::string video_codec;
  /// Target bits per second (an int, or a string like "2M", "500k"); 0
  /// (default): constant quality (video_quality) instead.
  std::int64_t video_bitrate = 0;
  /// Constant-quality level when video_bitrate is 0: 0 (best) .. 51, x264's CRF scale. Default 23.
  int video_quality = 23;
  /// Frames between keyframes (0 .. 100000; 0: only when one is needed).
  /// Keyframes also come when a receiver joins or asks for one. Default 60.
  int video_keyframe_interval = 60;
  /// FFmpeg encoders to try, in order (a list, or one comma-separated
  /// string); empty: hardware first where present, then libx264, libopenh264.
  std::vector<std::string> video_encoder;
  /// The encoder's speed preset (libx264: ultrafast .. veryslow, default
  /// superfast; NVENC: p1 .. p7); empty: a real-time default.
  std::string video_preset;
  /// Nominal frames per second, for the encoder's rate control (1 .. 1000). Default 30.
  int video_fps = 30;

  // -- ZeroMQ send/recv behaviour ----------------------------------------------
  /// ZeroMQ flags for every send. Only 0 or 1 (ZMQ_DONTWAIT) mean something:
  /// with 1, send() never waits for the socket; a frame the socket cannot take
  /// at once is not sent (SendStatus::would_block).
  int flag = 0;
  /// true: the payload is copied into a ZeroMQ message, the Mat can be changed
  /// as soon as send() returns. false (default, as vidgear): zero-copy — ZeroMQ
  /// holds a reference to the Mat's buffer until it has sent it. Do not write
  /// into that buffer meanwhile: with patterns 0/1 over tcp/ipc the receiver's
  /// reply proves the bytes left, so it is free once send() returns; with
  /// PUB/SUB or inproc give each frame its own Mat, or set track or copy.
  bool copy = false;
  /// With copy=false: send() returns only once ZeroMQ has released the frame's
  /// buffer (or request_timeout passed), so the caller may reuse it at once.
  bool track = false;

  // -- timeouts and retries (latest vidgear) ----------------------------------
  /// Patterns 0/1: how long a sender waits for each reply (and for a full
  /// socket to take a frame). More than 0, at most 1e7 s (so that sums and
  /// products of timeouts cannot overflow). Key/value form: seconds (int or
  /// float; a positive value under 1 ms counts as 1 ms).
  Milliseconds request_timeout{4000};
  /// Patterns 0/1: the max_retries-th missed reply in a row makes send()
  /// throw PeerLostError (as vidgear; 0 and 1 both give up at the first);
  /// -1 retries forever; at most 1000000. Each miss resets the socket; a
  /// reply resets the count.
  int max_retries = 3;
  /// Pattern 2: a receiver that hears nothing for this long ends the stream.
  /// As request_timeout: more than 0, at most 1e7 s.
  std::optional<Milliseconds> subscriber_timeout;

  // -- netgear additions --------------------------------------------------------
  /// Any pattern: a receiver that hears nothing for this long ends the stream.
  /// Unset: 3 x request_timeout x max(1, max_retries) for patterns 0/1 (as
  /// vidgear; no limit when max_retries is -1), subscriber_timeout for pattern 2.
  /// As request_timeout: more than 0, at most 1e7 s.
  std::optional<Milliseconds> receive_timeout;
  /// Sender, with compression (jpeg_compression or compression_format): how
  /// many threads encode frames (1..16). 1 (default) encodes inside send().
  /// With more, send() queues the frame and returns (SendStatus::queued);
  /// frames are encoded in parallel and go out in the order they were given,
  /// each stamped with the time its send() was called. Outcomes then show in
  /// stats(); an encode error or a lost receiver is thrown by the next send().
  /// The Mat must not be written until its frame is sent (give each frame its
  /// own Mat, as copy=false asks). close() first lets queued frames go out.
  /// Not with bidirectional_mode (a reply would not belong to its frame) or
  /// flag=1 (a queued frame cannot report a full socket).
  int encode_threads = 1;
  /// Receiver queue capacity in frames (1..1000000).
  std::size_t queue_size = 16;
  /// Receiver overflow policy. Unset: block for patterns 0/1, drop_oldest for
  /// PUB/SUB (a publisher cannot be paced, so block is refused there).
  std::optional<OverflowPolicy> overflow_policy;
  /// Largest message part a receiver accepts, in bytes (ZMQ_MAXMSGSIZE); a
  /// larger one drops the sender's connection. A sender in bidirectional
  /// mode takes replies up to this size too (they may carry a frame); other
  /// senders take replies of at most 64 KiB. Positive, or -1 = no limit.
  std::int64_t max_message_size = std::int64_t{1} << 30;
  /// The most a compressed frame (received, or returned in a reply) may
  /// decode to, in bytes, as its image header declares it: a few bytes of
  /// JPEG, PNG or BMP can declare gigabytes, so a larger one is refused as a
  /// bad frame before its pixels are allocated. Default: 8K (7680x4320) with
  /// 3 channels of 8 bits. Positive, or -1 = no limit. Raw frames are bounded by
  /// max_message_size instead (they arrive at their full size).
  std::int64_t max_decoded_size = std::int64_t{7680} * 4320 * 3;
  /// Receiver: the most bytes of frames (pixels as held: the raw payload or
  /// the decoded image) waiting for recv(), besides the queue_size count. The
  /// overflow policy applies to whichever bound is reached first; a frame
  /// larger than the whole bound is still taken when the queue is empty.
  /// Default 256 MiB. Positive, or -1 = no limit but queue_size.
  std::int64_t queue_max_bytes = std::int64_t{256} << 20;
  /// Secure mode, receiver, tcp: the client IP addresses admitted (numeric
  /// IPv4/IPv6, as the peer's packets carry them); empty admits any address.
  /// vidgear instead admits only its own bind address (see docs/protocol.md).
  std::vector<std::string> allowed_addresses;
  /// Receiver, tcp/ipc: once every sender has disconnected (a sender is a
  /// connection a valid frame came from) and no peer has connected for this
  /// long, the stream ends with EndReason::senders_gone, after the queued
  /// frames. Catches a sender that vanished without its termination (vidgear's
  /// PUB sender often drops it). A peer connected at that moment postpones the
  /// end until it leaves or sends. Zero: never (wait for senders forever);
  /// at most 1e7 s.
  /// Unset: 10 s, except never for patterns 0/1 with max_retries -1 (asked to
  /// wait forever) unless receive_timeout is set. Key/value: seconds (number
  /// >= 0); 0 or null (None) = never. Not with inproc (no connection events).
  std::optional<Milliseconds> sender_gone_timeout;

  /// Sets one option from its vidgear key and a JSON value ("copy", true).
  /// Keys are matched exactly after trimming spaces; `bidectional_mode` (the
  /// seed's spelling) is accepted for bidirectional_mode. Throws OptionError
  /// naming the key for an unknown key, a wrong type or an invalid value, and
  /// for a value nested deeper than max_json_depth (json_limits.hpp).
  void set(std::string_view key, const nlohmann::json& value);

  /// Checks every field against its own rule (range, name, enum value), the
  /// rule set() applies to the same field; throws OptionError naming the
  /// first bad field, with the text set() would give for that value.
  /// Settings::validate calls it. Combinations are Settings::validate's.
  void validate() const;

  /// Builds Options from a JSON object of key/value pairs (see set()).
  static Options from_json(const nlohmann::json& object);

  /// Every key set() accepts, in documentation order.
  static const std::vector<std::string_view>& keys();
};

/// One port or a list of ports, as vidgear's `port` parameter takes them.
struct PortSpec {
  PortSpec() = default;                              ///< unset: "5555"
  PortSpec(int port);                                // NOLINT: vidgear accepts ints
  PortSpec(std::string port);                        // NOLINT
  PortSpec(const char* port);                        // NOLINT
  PortSpec(std::vector<std::string> ports);          // NOLINT: a list, for multi modes
  PortSpec(std::initializer_list<int> ports);        // NOLINT

  std::vector<std::string> values;  ///< empty when unset
  bool is_list = false;             ///< given as a list (required by multi modes)
};

/// Everything a Sender or Receiver is made from.
struct Settings {
  /// Unset: "*" for the side that binds, "localhost" for the one that connects.
  std::optional<std::string> address;
  PortSpec port;
  Protocol protocol = Protocol::tcp;
  Pattern pattern = Pattern::pair;
  /// Turn on the `netgear` spdlog logger for this object (silent otherwise).
  bool logging = false;
  Options options;

  /// Checks the whole combination for the given role; throws OptionError
  /// naming the first bad field.
  void validate(Role role) const;

  /// Whether this role binds (the receiver, unless options.receiver_dials).
  [[nodiscard]] bool binds(Role role) const;
  /// The address this role uses (default applied: "*" where it binds,
  /// "localhost" where it connects).
  [[nodiscard]] std::string effective_address(Role role) const;
  /// The ports this role uses (default "5555" applied).
  [[nodiscard]] std::vector<std::string> effective_ports() const;
};

}  // namespace netgear
#pragma GCC visibility pop
