#pragma once
// The `netgear` subcommands. Each add_*_command registers its flags on the
// app and returns what to run once the command line is parsed: the process's
// exit code, or a netgear::Error / std::exception that main() turns into one
// line on stderr and exit code 1 (2 for UsageError and OptionError: a bad
// command line).

#include <functional>

#include <CLI/CLI.hpp>

#include "netgear/error.hpp"

namespace netgear::tools {

/// A flag or argument the user gave that cannot work as written (a test
/// pattern of size 0, a video name without a known extension): exit code 2.
class UsageError : public Error {
 public:
  using Error::Error;
};

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

Command add_send_command(CLI::App& app);  ///< stream a source to a receiver
Command add_recv_command(CLI::App& app);  ///< receive, show / write / save / serve to a browser / count
Command add_relay_command(CLI::App& app);  ///< one stream in, many viewers out
Command add_demo_command(CLI::App& app);  ///< a sender and a receiver on loopback, ends by itself
Command add_bench_command(CLI::App& app);  ///< the throughput benchmark (bench/throughput)

}  // namespace netgear::tools
