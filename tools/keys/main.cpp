// netgear-keys: the secure-mode key store tool (`netgear keys` once the
// netgear CLI exists).
#include <iostream>

#include <CLI/CLI.hpp>

#include "keys/keys_command.hpp"
#include "netgear/error.hpp"

int main(int argc, char** argv) {
  CLI::App app("netgear-keys: CURVE key stores for netgear / vidgear secure mode (<location>/.vidgear/keys)");
  netgear::tools::add_keys_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const netgear::Error& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}
