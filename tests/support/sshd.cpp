#include "sshd.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tunnel/child_process.hpp"

namespace netgear::test {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + p.string());
}

std::string program(const std::string& name) {
  for (const char* dir : {"/usr/sbin/", "/usr/bin/", "/sbin/", "/bin/"})
    if (access((std::string(dir) + name).c_str(), X_OK) == 0) return std::string(dir) + name;
  throw std::runtime_error(name + " not found: install openssh-server and openssh-client (scripts/install-deps.sh)");
}

void keygen(const fs::path& file) {
  tunnel::ChildProcess p(program("ssh-keygen"), {"-q", "-t", "ed25519", "-N", "", "-C", "netgear-test", "-f", file.string()},
                         {"PATH=/usr/bin:/bin"});
  if (!p.wait_exit(Clock::now() + std::chrono::seconds(30)) || p.exit_code() != 0)
    throw std::runtime_error("ssh-keygen failed: " + p.stderr_text());
}

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    throw std::runtime_error("no free port");
  close(fd);
  return ntohs(a.sin_port);
}

bool accepts(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

std::vector<int> children_of(int parent, const std::string& comm = "") {
  std::vector<int> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string stat = read_file(entry.path() / "stat");  // pid (comm) state ppid ...
    const auto open = stat.find('('), close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close + 2 > stat.size()) continue;
    std::istringstream rest(stat.substr(close + 2));
    std::string state;
    int ppid = 0;
    rest >> state >> ppid;
    if (ppid == parent && (comm.empty() || stat.substr(open + 1, close - open - 1) == comm)) out.push_back(std::stoi(name));
  }
  return out;
}

}  // namespace

TestSshd::TestSshd() {
  const passwd* pw = getpwuid(getuid());
  if (!pw) throw std::runtime_error("no user name for this uid");
  user_ = pw->pw_name;
  // sshd's privilege separation needs this folder (made at boot on a full system).
  if (getuid() == 0 && !fs::exists("/run/sshd")) {
    fs::create_directories("/run/sshd");
    chmod("/run/sshd", 0755);
  }
  const auto& d = dir_.path();
  chmod(d.c_str(), 0700);
  keygen(d / "host_key");
  keygen(d / "other_host_key");
  keygen(d / "user_key");
  keygen(d / "stranger_key");
  fs::copy_file(d / "user_key.pub", d / "authorized_keys");
  write_file(d / "empty_known_hosts", "");
  for (int attempt = 0; attempt < 5; ++attempt)
    if (start()) return;
  throw std::runtime_error("sshd did not start on a free port in 5 attempts:\n" + log());
}

bool TestSshd::start() {
  const auto& d = dir_.path();
  port_ = free_port();
  const std::string host = "[127.0.0.1]:" + std::to_string(port_) + " ";
  write_file(d / "known_hosts", host + read_file(d / "host_key.pub"));
  write_file(d / "wrong_known_hosts", host + read_file(d / "other_host_key.pub"));
  write_file(d / "sshd_config", "Port " + std::to_string(port_) +
                                    "\nListenAddress 127.0.0.1\n"
                                    "HostKey " + (d / "host_key").string() +
                                    "\nAuthorizedKeysFile " + (d / "authorized_keys").string() +
                                    "\nPidFile none\nUsePAM no\nStrictModes no\n"
                                    "PermitRootLogin yes\nPasswordAuthentication yes\nKbdInteractiveAuthentication no\n"
                                    "AllowTcpForwarding yes\nPermitOpen any\nX11Forwarding no\nPrintMotd no\n"
                                    "MaxStartups 100\nLogLevel VERBOSE\n");
  sshd_ = std::make_unique<tunnel::ChildProcess>(
      program("sshd"), std::vector<std::string>{"-D", "-e", "-f", (d / "sshd_config").string()},
      std::vector<std::string>{"PATH=/usr/sbin:/usr/bin:/sbin:/bin"});
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  while (Clock::now() < deadline) {
    if (sshd_->wait_exit(Clock::now() + std::chrono::milliseconds(10))) {
      const bool taken = sshd_->stderr_text().find("Address already in use") != std::string::npos;
      if (taken) return false;
      throw std::runtime_error("sshd exited at start:\n" + sshd_->stderr_text());
    }
    if (accepts(port_)) return true;
  }
  throw std::runtime_error("sshd did not accept connections within 20 s:\n" + log());
}

TestSshd::~TestSshd() { stop(); }

// The listener and every session process under it (each connection's sshd
// runs in a session of its own, so SIGTERM to the listener alone would leave
// the tunnels open): a server that went away.
void TestSshd::stop() {
  if (!sshd_) return;
  std::vector<int> family{sshd_->pid()};
  for (std::size_t i = 0; i < family.size(); ++i)
    for (int child : children_of(family[i])) family.push_back(child);
  // Deepest first, each reaped by its (still living) parent before the
  // parent goes: none is left a zombie for an init that may not reap.
  for (std::size_t i = family.size(); i-- > 1;) {
    kill(family[i], SIGKILL);
    const auto deadline = Clock::now() + std::chrono::seconds(2);
    while (fs::exists("/proc/" + std::to_string(family[i])) && Clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  sshd_->stop();
}

std::string TestSshd::log() const { return sshd_ ? sshd_->stderr_text() : ""; }

std::string TestSshd::target() const { return user_ + "@127.0.0.1:" + std::to_string(port_); }

Options TestSshd::tunnel_options() const {
  Options o;
  o.ssh_tunnel_mode = target();
  o.ssh_tunnel_keyfile = user_key();
  o.ssh_tunnel_known_hosts = known_hosts();
  return o;
}

std::vector<int> child_processes(const std::string& comm) { return children_of(getpid(), comm); }

std::string process_cmdline(int pid) {
  std::string text = read_file("/proc/" + std::to_string(pid) + "/cmdline");
  for (char& c : text)
    if (c == '\0') c = ' ';
  return text;
}

}  // namespace netgear::test
