#pragma once
// `keys`: create, inspect and extend a secure-mode key store from the command
// line: the `netgear keys` subcommands, kept apart from the streaming
// commands because they need nothing but the key store.

#include <CLI/CLI.hpp>

namespace netgear::tools {

/// Adds the generate / show / add / remove subcommands to `app`. Each runs
/// when parsed and throws netgear::Error (or CLI::Error) on failure.
void add_keys_commands(CLI::App& app);

}  // namespace netgear::tools
