#pragma once
// An SSH tunnel for a sender (vidgear 0.3's ssh_tunnel_mode): the system's
// OpenSSH client forwards a free port on 127.0.0.1 to the receiver's address
// and port as the SSH server sees them; the sender connects its socket to
// tcp://127.0.0.1:<that port>.
//
// Started and checked by the constructor, stopped by stop() or the
// destructor: ssh never outlives the tunnel object (nor, see
// child_process.hpp, this process).
//
// Not thread-safe: the Sender calls it under its I/O lock (alive() and
// failure() from a send(), drain() and stop() from close(), once the socket
// that uses the tunnel is closed).

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "netgear/options.hpp"
#include "tunnel/child_process.hpp"
#include "tunnel/ssh_command.hpp"

namespace netgear::tunnel {

class SshTunnel {
 public:
  /// How long ssh may take to log in and listen, per attempt.
  static constexpr std::chrono::seconds ready_timeout{20};

  /// Starts ssh and waits until it listens on the local port: that happens
  /// only after the login succeeded. Retries with another port when the one
  /// picked was taken meanwhile. Throws SetupError saying why ssh failed
  /// (no ssh client, server refused the login, unknown host key, connection
  /// refused, forward failed, timed out), with ssh's own words (escaped and
  /// bounded) — never the password.
  SshTunnel(const Options& options, const std::string& remote_host, int remote_port);
  ~SshTunnel();
  SshTunnel(const SshTunnel&) = delete;
  SshTunnel& operator=(const SshTunnel&) = delete;

  /// The local end: "tcp://127.0.0.1:<port>".
  [[nodiscard]] std::string endpoint() const;
  [[nodiscard]] int local_port() const { return local_port_; }
  /// The ssh process's id (tests check that it is gone after stop()).
  [[nodiscard]] pid_t pid() const { return child_ ? child_->pid() : -1; }
  /// "user@host:port" of the SSH server.
  [[nodiscard]] std::string server() const { return server_text(spec_.server); }

  /// True while ssh runs.
  [[nodiscard]] bool alive();
  /// Once ssh has exited: why, in the words of the constructor's errors.
  [[nodiscard]] std::string failure();

  /// Once the socket that used the tunnel is closed: waits (up to
  /// `deadline`) until every connection through it has closed, so that what
  /// ZeroMQ flushed on closing (the termination message) has passed through
  /// ssh; ssh, stopped earlier, would drop it. ssh closes its end of a
  /// forwarded connection only once the far end closed too. Never throws.
  void drain(std::chrono::steady_clock::time_point deadline) noexcept;

  /// Stops ssh (SIGTERM, then SIGKILL) and reaps it; removes the password
  /// helper. Idempotent; never throws.
  void stop() noexcept;

 private:
  struct Askpass;  // the private SSH_ASKPASS helper and its folder
  bool start(int attempt);  // false: the local port was taken, try another

  SshTunnelSpec spec_;
  std::unique_ptr<Askpass> askpass_;
  std::vector<std::string> env_;
  std::string program_;
  int local_port_ = 0;
  std::unique_ptr<ChildProcess> child_;
};

}  // namespace netgear::tunnel
