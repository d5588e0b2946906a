#pragma once
/// \file
/// The viewer's defences around cpp-httplib's server (tools/viewer only):
/// - a deadline for the whole request head (slow-loris clients that trickle
///   header bytes are cut off, not held for a read timeout per byte);
/// - every open connection tracked, so stop() can shut them all down and the
///   process never waits on a client to exit;
/// - which Host headers are answered (DNS rebinding).

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include <httplib.h>

namespace netgear::tools {

/// Which Host headers the viewer answers. A web page that rebinds its own
/// name to 127.0.0.1 sends its own name as Host, so only names the user
/// meant are answered: "localhost", any IP literal (127.0.0.1, [::1],
/// 192.168.1.5: a literal cannot be rebound), the name the server was bound
/// to, and the names allowed explicitly; with or without ":port",
/// case-insensitive, a trailing dot ignored. A request without Host
/// (HTTP/1.0; browsers always send one) is answered.
struct HostPolicy {
  /// Names given with --http-allow-host (compared case-insensitively).
  std::vector<std::string> allowed;
  /// --http-any-host: answer every Host (turns the check off).
  bool any = false;
  /// The host the server was bound to, as given ("" or an address = none).
  std::string bound;

  /// True if a request with this Host header value is answered.
  [[nodiscard]] bool admits(const std::string& host_header) const;
};

/// httplib::Server whose connections have a deadline for their request head
/// and can all be shut down at once. Thread-safety: as httplib::Server;
/// shutdown_connections() may be called from any thread.
class GuardedServer : public httplib::Server {
 public:
  /// `head_timeout`: time a connection has, from when a server thread takes
  /// it, to send its whole request line and headers (each read also waits at
  /// most this long). `write_timeout`: a write that makes no progress this
  /// long ends the connection.
  GuardedServer(std::chrono::milliseconds head_timeout, std::chrono::milliseconds write_timeout);

  /// Shuts down (both directions) every open connection, so the threads
  /// serving them return at once, and closes any connection accepted later
  /// without reading it. Call before stop(). Idempotent; never throws.
  void shutdown_connections() noexcept;

 private:
  bool process_and_close_socket(socket_t sock) override;
  bool track(socket_t sock);
  void untrack(socket_t sock);

  std::chrono::milliseconds head_timeout_;
  std::chrono::milliseconds write_timeout_;
  std::mutex mutex_;
  std::unordered_set<socket_t> open_;
  bool closing_ = false;
};

}  // namespace netgear::tools
