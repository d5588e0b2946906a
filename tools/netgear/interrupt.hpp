#pragma once
// Ctrl+C for long-running commands: the first SIGINT/SIGTERM asks the command
// to end cleanly (a sender sends the termination, a receiver closes and
// prints its summary); a second one ends the process at once.

namespace netgear::tools {

/// Installs the handlers (idempotent). Commands poll interrupted().
void install_interrupt_handlers();

/// True once SIGINT or SIGTERM arrived.
[[nodiscard]] bool interrupted() noexcept;

/// The signal that interrupted (SIGINT, SIGTERM), 0 if none.
[[nodiscard]] int interrupt_signal() noexcept;

}  // namespace netgear::tools
