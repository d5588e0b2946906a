// `netgear bench`: the throughput benchmark (bench/throughput) with every
// argument after `bench` passed to it, its --help included.
#include <string>
#include <vector>

#include "commands.hpp"
#include "throughput/throughput.hpp"

namespace netgear::tools {

Command add_bench_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "bench", "Measure netgear next to raw libzmq and plain pyzmq, case by case (see `netgear bench --help`)");
  cmd->prefix_command();
  cmd->set_help_flag();  // --help is the benchmark's
  return {cmd, [cmd] {
            std::vector<std::string> args = cmd->remaining();
            std::string name = "netgear bench";
            std::vector<char*> argv{name.data()};
            for (auto& arg : args) argv.push_back(arg.data());
            argv.push_back(nullptr);
            return netgear::bench::throughput_main(static_cast<int>(argv.size() - 1), argv.data());
          }};
}

}  // namespace netgear::tools
