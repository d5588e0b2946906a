#include "tunnel/ssh_command.hpp"

#include <array>
#include <utility>

namespace netgear::tunnel {
namespace {

// ssh expands %x tokens (and ~) in file options; "%%" is a literal '%'.
// ("${" is refused by the option rule; it has no escape.)
std::string literal_path(std::string_view path) {
  std::string out;
  for (char c : path) {
    out += c;
    if (c == '%') out += '%';
  }
  return out;
}

std::string bracketed(const std::string& host) {
  return host.find(':') == std::string::npos ? host : "[" + host + "]";
}

}  // namespace

std::vector<std::string> ssh_arguments(const SshTunnelSpec& spec, int local_port) {
  std::vector<std::string> a = {
      "-F", "none",  // no ~/.ssh/config or /etc/ssh/ssh_config: what runs is what is written here
      "-N", "-T", "-n",
      "-o", std::string("BatchMode=") + (spec.password ? "no" : "yes"),
      "-o", "StrictHostKeyChecking=yes",  // never trust an unknown host key (pyzmq's old "yes" did)
      "-o", "UpdateHostKeys=no",
      "-o", "ExitOnForwardFailure=yes",
      "-o", "ConnectTimeout=10",
      "-o", "ServerAliveInterval=10",  // a server that vanished without a word ends the tunnel
      "-o", "ServerAliveCountMax=3",
      "-o", "NumberOfPasswordPrompts=1",
      "-o", "ControlMaster=no",
      "-o", "ControlPath=none",
      "-o", "ForwardAgent=no",
      "-o", "ForwardX11=no",
      "-o", "PermitLocalCommand=no",
      "-o", "EscapeChar=none",
      "-o", "LogLevel=ERROR",
      "-p", std::to_string(spec.server.port),
      "-L", "127.0.0.1:" + std::to_string(local_port) + ":" + bracketed(spec.remote_host) + ":" +
                std::to_string(spec.remote_port),
  };
  if (!spec.known_hosts.empty()) {
    a.insert(a.end(), {"-o", "UserKnownHostsFile=\"" + literal_path(spec.known_hosts) + "\""});
  }
  if (!spec.keyfile.empty()) a.insert(a.end(), {"-o", "IdentitiesOnly=yes", "-i", literal_path(spec.keyfile)});
  if (!spec.server.user.empty()) a.insert(a.end(), {"-l", spec.server.user});
  a.insert(a.end(), {"--", spec.server.host});
  return a;
}

std::string server_text(const detail::rules::SshTarget& server) {
  return (server.user.empty() ? "" : server.user + "@") + bracketed(server.host) + ":" + std::to_string(server.port);
}

bool local_port_taken(std::string_view err) {
  return err.find("Address already in use") != std::string_view::npos ||
         err.find("cannot listen to port") != std::string_view::npos ||
         err.find("Could not request local forwarding") != std::string_view::npos;
}

std::string diagnose(std::string_view err) {
  static const std::array<std::pair<std::string_view, std::string_view>, 9> known = {{
      {"REMOTE HOST IDENTIFICATION HAS CHANGED",
       "the SSH server's host key differs from the one in known_hosts: this may be an attack; check the key"},
      {"Host key verification failed",
       "the SSH server's host key is not in known_hosts (or has changed): check its fingerprint, then add it "
       "(ssh-keyscan -p PORT HOST >> ~/.ssh/known_hosts) or point ssh_tunnel_known_hosts at a file that holds it"},
      {"Permission denied", "the SSH server refused the login: wrong user, key (ssh_tunnel_keyfile) or password "
                            "(ssh_tunnel_pwd)"},
      {"Too many authentication failures", "the SSH server refused the login: too many keys tried; give "
                                           "ssh_tunnel_keyfile"},
      {"Connection refused", "no SSH server accepts connections at that host and port"},
      {"Could not resolve hostname", "the SSH server's host name does not resolve"},
      {"timed out", "the SSH server did not answer in time"},
      {"No route to host", "the SSH server cannot be reached (no route to host)"},
      {"Load key", "ssh could not read ssh_tunnel_keyfile (wrong format, permissions or passphrase)"},
  }};
  for (const auto& [pattern, meaning] : known)
    if (err.find(pattern) != std::string_view::npos) return std::string(meaning);
  if (local_port_taken(err)) return "the tunnel's local port could not be listened on";
  if (err.find("open failed") != std::string_view::npos || err.find("forwarding") != std::string_view::npos)
    return "the SSH server refused or failed to forward to the receiver's address and port";
  return {};
}

}  // namespace netgear::tunnel
