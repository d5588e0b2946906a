#include "tunnel/ssh_tunnel.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <thread>
#include <vector>

#include "netgear/error.hpp"
#include "wire/peer_text.hpp"

extern char** environ;  // NOLINT: POSIX

namespace netgear::tunnel {
namespace fs = std::filesystem;

namespace {

constexpr int kAttempts = 5;  // local ports tried when the one picked was taken meanwhile
constexpr const char* kSecretVar = "NETGEAR_SSH_TUNNEL_SECRET";

// A port free on 127.0.0.1 now (the kernel's pick). Another process may take
// it before ssh listens: ssh then fails the forward and another is tried.
int free_local_port() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw SetupError("netgear: ssh_tunnel_mode: cannot open a socket to pick a local port");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  close(fd);
  if (!ok) throw SetupError("netgear: ssh_tunnel_mode: cannot pick a free local port on 127.0.0.1");
  return ntohs(addr.sin_port);
}

// The IPv4 TCP sockets on 127.0.0.1:port, local or remote end, from
// /proc/net/tcp: their state (hex, as the kernel writes it: 0A = LISTEN,
// 06 = TIME_WAIT) and socket inode.
struct TcpEntry {
  std::string state, inode;
  bool local;  // 127.0.0.1:port is the local end
};
std::vector<TcpEntry> tcp_entries(int port) {
  char wanted[32];
  std::snprintf(wanted, sizeof wanted, "0100007F:%04X", port);
  std::vector<TcpEntry> out;
  std::ifstream tcp("/proc/net/tcp");
  std::string line;
  std::getline(tcp, line);  // the column names
  while (std::getline(tcp, line)) {
    std::istringstream in(line);
    std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
    in >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode;
    if (local == wanted || remote == wanted) out.push_back({state, inode, local == wanted});
  }
  return out;
}

// Whether process `pid` listens on 127.0.0.1:port: a LISTEN entry whose
// socket is one of the process's descriptors. ssh tells no one when its
// forward is up; it listens only after logging in.
bool listens(pid_t pid, int port) {
  for (const auto& e : tcp_entries(port)) {
    if (!e.local || e.state != "0A") continue;
    const std::string wanted = "socket:[" + e.inode + "]";
    std::error_code ec;
    for (const auto& fd : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
      std::error_code link_ec;
      if (fs::read_symlink(fd.path(), link_ec).string() == wanted) return true;
    }
  }
  return false;
}

// Whether a connection through the tunnel's local port is still open (any
// state but LISTEN and TIME_WAIT, which no process holds).
bool forwarding(int port) {
  for (const auto& e : tcp_entries(port))
    if (e.state != "0A" && e.state != "06") return true;
  return false;
}

// ssh's error lines, escaped and bounded, on one line.
std::string ssh_said(std::string raw) {
  while (!raw.empty() && (raw.back() == '\n' || raw.back() == '\r')) raw.pop_back();
  std::string joined;
  for (char c : raw) {
    if (c == '\r') continue;
    if (c == '\n') joined += " / ";
    else joined += c;
  }
  return wire::peer_text(joined, 512);
}

std::string absolute(const std::string& path) {
  std::error_code ec;
  auto p = fs::absolute(path, ec);
  return ec ? path : p.string();
}

}  // namespace

// ssh asks SSH_ASKPASS for the password (SSH_ASKPASS_REQUIRE=force, OpenSSH
// >= 8.4). The helper is a two-line script in a folder only we can read; it
// prints the password from its environment with the shell's builtin printf,
// so the password is on no command line (/proc/<pid>/cmdline is world-readable;
// an environment is readable by the same user only).
struct SshTunnel::Askpass {
  fs::path dir;
  fs::path script;

  Askpass() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp == '/' ? tmp : "/tmp") + "/netgear-askpass-XXXXXX";
    if (!mkdtemp(pattern.data())) throw SetupError("netgear: ssh_tunnel_pwd: cannot create a private folder in " + pattern);
    dir = pattern;  // mode 0700
    script = dir / "askpass";
    const int fd = open(script.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
    static const std::string body = std::string("#!/bin/sh\nprintf '%s\\n' \"$") + kSecretVar + "\"\n";
    const bool ok = fd >= 0 && write(fd, body.data(), body.size()) == static_cast<ssize_t>(body.size());
    if (fd >= 0) close(fd);
    if (!ok) {
      std::error_code ec;
      fs::remove_all(dir, ec);
      throw SetupError("netgear: ssh_tunnel_pwd: cannot write the password helper in " + dir.string());
    }
  }
  ~Askpass() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

SshTunnel::SshTunnel(const Options& options, const std::string& remote_host, int remote_port)
    : spec_{.server = detail::rules::parse_ssh_target("ssh_tunnel_mode", options.ssh_tunnel_mode),
            .remote_host = remote_host,
            .remote_port = remote_port,
            .keyfile = options.ssh_tunnel_keyfile.empty() ? "" : absolute(options.ssh_tunnel_keyfile),
            .known_hosts = options.ssh_tunnel_known_hosts.empty() ? "" : absolute(options.ssh_tunnel_known_hosts),
            .password = !options.ssh_tunnel_pwd.empty()} {
  program_ = find_program("ssh");
  if (program_.empty())
    throw SetupError("netgear: ssh_tunnel_mode needs the OpenSSH client, but no 'ssh' is on PATH "
                     "(Debian: apt install openssh-client)");
  // ssh's environment: ours, without askpass settings of our own caller's.
  for (char** e = environ; e && *e; ++e) {
    const std::string_view var(*e);
    if (var.starts_with("SSH_ASKPASS") || var.starts_with(kSecretVar)) continue;
    env_.emplace_back(var);
  }
  if (spec_.password) {
    askpass_ = std::make_unique<Askpass>();
    env_.push_back("SSH_ASKPASS=" + askpass_->script.string());
    env_.push_back("SSH_ASKPASS_REQUIRE=force");
    env_.push_back(std::string(kSecretVar) + "=" + options.ssh_tunnel_pwd);
  }
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    if (start(attempt)) break;
    if (attempt == kAttempts)
      throw SetupError("netgear: ssh_tunnel_mode: the SSH tunnel through " + server() + " found no free local port in " +
                       std::to_string(kAttempts) + " attempts");
  }
  // Logged in: the password and its helper are needed no more.
  askpass_.reset();
  for (auto& var : env_)
    if (var.starts_with(kSecretVar)) var.assign(var.size(), '\0');
  env_.clear();
}

bool SshTunnel::start(int attempt) {
  local_port_ = free_local_port();
  try {
    child_ = std::make_unique<ChildProcess>(program_, ssh_arguments(spec_, local_port_), env_);
  } catch (const std::system_error& e) {
    throw SetupError("netgear: ssh_tunnel_mode: cannot start " + program_ + ": " + e.what());
  }
  const auto deadline = std::chrono::steady_clock::now() + ready_timeout;
  for (;;) {
    // Wakes at once when ssh exits; else looks for its listener every 25 ms.
    if (child_->wait_exit(std::chrono::steady_clock::now() + std::chrono::milliseconds(25))) {
      if (attempt < kAttempts && local_port_taken(child_->stderr_text())) return false;
      const std::string why = failure();
      child_.reset();
      throw SetupError(why);
    }
    if (listens(child_->pid(), local_port_)) return true;
    if (std::chrono::steady_clock::now() >= deadline) {
      const std::string said = ssh_said(child_->stderr_text());
      child_->stop();
      throw SetupError("netgear: ssh_tunnel_mode: the SSH tunnel through " + server() + " was not up within " +
                       std::to_string(ready_timeout.count()) + " s" + (said.empty() ? "" : "; ssh said: " + said));
    }
  }
}

SshTunnel::~SshTunnel() { stop(); }

std::string SshTunnel::endpoint() const { return "tcp://127.0.0.1:" + std::to_string(local_port_); }

bool SshTunnel::alive() { return child_ && !child_->exit_code(); }

std::string SshTunnel::failure() {
  if (!child_) return "netgear: the SSH tunnel through " + server() + " is closed";
  const auto code = child_->exit_code();
  const std::string raw = child_->stderr_text();
  const std::string said = ssh_said(raw);
  const std::string meaning = diagnose(raw);
  return "netgear: ssh_tunnel_mode: the SSH tunnel through " + server() + " failed" +
         (meaning.empty() ? "" : ": " + meaning) + " (ssh exited with " + (code ? std::to_string(*code) : "?") +
         (said.empty() ? "" : "; ssh said: " + said) + ")";
}

void SshTunnel::drain(std::chrono::steady_clock::time_point deadline) noexcept {
  try {
    while (alive() && forwarding(local_port_) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  } catch (const std::exception&) {
    // /proc unreadable: nothing to wait on
  }
}

void SshTunnel::stop() noexcept {
  if (child_) child_->stop();
  askpass_.reset();
}

}  // namespace netgear::tunnel
