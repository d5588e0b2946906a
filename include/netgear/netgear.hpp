#pragma once
/// \file
/// NetGear: vidgear's NetGear API in C++ — one object that is either a sender
/// (receive_mode=false) or a receiver (receive_mode=true).
///
///     netgear::NetGear server;                         // sends to localhost:5555
///     server.send(frame);
///     server.close();
///
///     netgear::NetGear client({}, {}, "tcp", 0, true); // receives on *:5555
///     while (auto got = client.recv()) use(got->frame.mat());
///
/// It is a thin facade over Sender and Receiver; use those directly for the
/// full interface (send status, recv with a wait, statistics).
///
/// Link netgear::netgear. Reading frames from files, cameras or the test
/// pattern (netgear/video_source.hpp, VideoSource) is in netgear::video.

#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "netgear/error.hpp"
#include "netgear/frame.hpp"
#include "netgear/options.hpp"
#include "netgear/receiver.hpp"
#include "netgear/sender.hpp"
#include "netgear/types.hpp"

// The public API: exported from libnetgear.so (symbols are hidden by default).
#pragma GCC visibility push(default)
namespace netgear {

class NetGear {
 public:
  /// Same parameters and defaults as vidgear:
  /// address (unset: "localhost" to send, "*" to receive), port (unset: 5555),
  /// protocol ("tcp", "ipc", "inproc", "pgm", "epgm"), pattern (0 PAIR,
  /// 1 REQ/REP, 2 PUB/SUB), receive_mode, logging, options.
  /// Throws OptionError for an invalid parameter (naming it), SetupError if
  /// the socket cannot bind/connect.
  explicit NetGear(std::optional<std::string> address = std::nullopt, PortSpec port = {},
                   const std::string& protocol = "tcp", int pattern = 0, bool receive_mode = false,
                   bool logging = false, Options options = {});
  /// Same, with options given as a JSON object of vidgear keys.
  NetGear(std::optional<std::string> address, PortSpec port, const std::string& protocol,
          int pattern, bool receive_mode, bool logging, const nlohmann::json& options);

  /// Send Mode only (ModeError otherwise). Sends a frame with an optional
  /// message. The result's `reply` is vidgear's return value: the data the
  /// receiver returned in bidirectional mode (`reply_frame` if it returned a
  /// frame; `reply_port` names the receiver in multi-client mode), null
  /// otherwise and when the reply timed out.
  SendResult send(const Frame& frame, const nlohmann::json& message = nullptr);

  /// Receive Mode only (ModeError otherwise). The next frame with its message
  /// and metadata (`port` in multi-server mode); nullopt at end of stream.
  /// return_data (bidirectional mode), if not null, goes back to the sender
  /// with the following replies. Throws OptionError("return_data") when it
  /// nests deeper than max_json_depth (json_limits.hpp).
  std::optional<Received> recv(const nlohmann::json& return_data = nullptr);
  /// Same, returning a frame to the sender (bidirectional mode).
  std::optional<Received> recv(const Frame& return_frame);

  /// Closes the sender (sending the termination) or the receiver. Idempotent.
  /// `kill` (vidgear 0.3's close(kill=True)): stop at once rather than
  /// gracefully: a sender closes as Sender::kill(); a receiver's close()
  /// is already immediate (queued frames are discarded), so it is the same.
  void close(bool kill = false) noexcept;

  [[nodiscard]] bool receive_mode() const noexcept;
  /// The underlying sender/receiver (ModeError if this NetGear is the other one).
  Sender& sender();
  Receiver& receiver();

 private:
  std::variant<Sender, Receiver> side_;
};

}  // namespace netgear
#pragma GCC visibility pop
