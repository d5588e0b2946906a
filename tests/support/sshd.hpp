#pragma once
// A real OpenSSH server (Debian's openssh-server) for the SSH tunnel tests:
// started on 127.0.0.1 on a free port with its own configuration, host key
// and authorized user key, all generated in a temp folder; stopped and reaped
// (and the folder removed) when the object goes.

#include <filesystem>
#include <memory>
#include <string>

#include "test_support.hpp"

namespace netgear::tunnel {
class ChildProcess;
}

namespace netgear::test {

class TestSshd {
 public:
  /// Generates the keys and starts sshd; waits (with a deadline) until it
  /// accepts connections. Fails the test (throws std::runtime_error) when
  /// sshd or ssh-keygen is missing or sshd does not start.
  TestSshd();
  ~TestSshd();
  TestSshd(const TestSshd&) = delete;
  TestSshd& operator=(const TestSshd&) = delete;

  [[nodiscard]] int port() const { return port_; }
  /// The user the tests log in as (this process's).
  [[nodiscard]] const std::string& user() const { return user_; }
  /// "user@127.0.0.1:port", for ssh_tunnel_mode.
  [[nodiscard]] std::string target() const;
  /// The private key sshd accepts.
  [[nodiscard]] std::string user_key() const { return (dir_.path() / "user_key").string(); }
  /// A private key sshd does not accept.
  [[nodiscard]] std::string stranger_key() const { return (dir_.path() / "stranger_key").string(); }
  /// A known_hosts file that holds this server's host key.
  [[nodiscard]] std::string known_hosts() const { return (dir_.path() / "known_hosts").string(); }
  /// A known_hosts file that holds another host key for the same address.
  [[nodiscard]] std::string wrong_known_hosts() const { return (dir_.path() / "wrong_known_hosts").string(); }
  /// An empty known_hosts file.
  [[nodiscard]] std::string empty_known_hosts() const { return (dir_.path() / "empty_known_hosts").string(); }
  /// Settings options for a tunnel through this server with the right key.
  [[nodiscard]] Options tunnel_options() const;

  /// What sshd wrote to its stderr (its log; the latest 4 KiB).
  [[nodiscard]] std::string log() const;
  /// Stops sshd (SIGTERM) and waits for it: a server that went away. Its
  /// sessions' processes end with it (they lose their parent's connection).
  void stop();

 private:
  bool start();  // false: the port was taken meanwhile

  TempDir dir_;
  std::string user_;
  int port_ = 0;
  std::unique_ptr<tunnel::ChildProcess> sshd_;
};

/// Pids of this process's children whose command is `comm` (e.g. "ssh").
std::vector<int> child_processes(const std::string& comm);

/// The command line of process `pid` with its NULs as spaces ("" if gone).
std::string process_cmdline(int pid);

}  // namespace netgear::test
