#pragma once
// The ssh command line of a tunnel, and what ssh's error output means: pure
// functions (no processes), so both are unit-tested on their own.
//
// Every value reaches ssh as one argv element (never through a shell), after
// the option rules (option_rules.hpp) refused a user or host that ssh could
// take for an option; the destination also follows "--".

#include <string>
#include <string_view>
#include <vector>

#include "option_rules.hpp"

namespace netgear::tunnel {

/// What a tunnel is made from.
struct SshTunnelSpec {
  detail::rules::SshTarget server;  ///< the SSH server (user@host:port)
  std::string remote_host;          ///< the receiver, as the SSH server resolves it
  int remote_port = 0;
  std::string keyfile;      ///< ssh -i; empty: ssh's defaults and agent
  std::string known_hosts;  ///< UserKnownHostsFile; empty: ~/.ssh/known_hosts
  bool password = false;    ///< a password is given (through SSH_ASKPASS)
};

/// argv (after the program name) for `ssh -N -L 127.0.0.1:local_port:remote`:
/// no config files (-F none), no tty, stdin /dev/null, strict host key
/// checking, ExitOnForwardFailure, BatchMode unless a password is given,
/// quiet but for errors.
std::vector<std::string> ssh_arguments(const SshTunnelSpec& spec, int local_port);

/// "user@host:port" for messages ([v6] in brackets).
std::string server_text(const detail::rules::SshTarget& server);

/// True when ssh's error output says the local port could not be listened
/// on (taken since it was picked): worth trying another port.
bool local_port_taken(std::string_view ssh_stderr);

/// What went wrong, in words a user can act on, from ssh's (already
/// escaped) error output; "" when nothing known matches.
std::string diagnose(std::string_view ssh_stderr);

}  // namespace netgear::tunnel
