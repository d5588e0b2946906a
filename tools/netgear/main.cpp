// netgear: the command-line tool. `netgear send`, `netgear recv`, `netgear relay`,
// `netgear demo`, `netgear bench`, `netgear keys`; `netgear <command> --help` for each.
#include <iostream>
#include <vector>

#include <CLI/CLI.hpp>
#include <opencv2/core/utils/logger.hpp>

#include "commands.hpp"
#include "keys/keys_command.hpp"
#include "netgear/error.hpp"
#include "netgear/version.hpp"

int main(int argc, char** argv) {
  using namespace netgear::tools;
  // OpenCV's own warnings ("VIDEOIO(...): can't open camera by index") are not
  // ours to print: the tool says what failed in its own words.
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
  CLI::App app("netgear: real-time video frames over ZeroMQ, wire-compatible with vidgear's NetGear");
  app.require_subcommand(1);
  app.set_version_flag("--version", netgear::version());  // the library's, as netgear.__version__
  const std::vector<Command> commands = {add_send_command(app), add_recv_command(app), add_relay_command(app),
                                         add_demo_command(app),
                                         add_bench_command(app)};
  CLI::App* keys = app.add_subcommand("keys", "Secure mode key stores: generate, show, add, remove");
  keys->require_subcommand(1);
  add_keys_commands(*keys);

  // Every failure is one line naming what is wrong (prefixed with the
  // command), and a non-zero exit code: 1 for a failure, 2 for a bad command line.
  std::string prefix = "netgear";
  const auto fail = [&](std::string what, int code) {
    if (what.rfind("netgear: ", 0) == 0) what.erase(0, 9);  // library messages name netgear already
    if (keys->parsed()) prefix = "netgear keys";            // keys runs while parsing: no command.run()
    std::cerr << prefix << ": " << what << "\n";
    return code;
  };
  const auto known = [&](const std::string& name) {
    const auto subs = app.get_subcommands([&](CLI::App* sub) { return sub->check_name(name); });
    return !subs.empty();
  };
  if (argc > 1 && argv[1][0] != '-' && !known(argv[1]))
    return fail(std::string("unknown command '") + argv[1] + "': use send, recv, relay, demo, bench or keys (see --help)", 2);
  try {
    app.parse(argc, argv);
    for (const auto& command : commands)
      if (command.app->parsed()) {
        prefix += " " + command.app->get_name();
        return command.run();
      }
    return 0;  // keys ran while parsing
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return fail(std::string(e.what()) + " (see --help)", 2);
  } catch (const UsageError& e) {
    return fail(e.what(), 2);
  } catch (const netgear::OptionError& e) {
    return fail(e.what(), 2);  // every option comes from this command line
  } catch (const std::exception& e) {
    return fail(e.what(), 1);
  }
}
