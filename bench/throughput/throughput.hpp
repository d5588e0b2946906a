#pragma once
// The throughput benchmark as a function, so that both its own program
// (netgear_bench_throughput) and `netgear bench` run it.

namespace netgear::bench {

/// Parses the benchmark's command line (argv[0] names the program in its
/// help and errors), runs every case and prints the table or JSON. Returns
/// the exit code: 0 done, 1 a side failed or a frame went missing, 2 a bad
/// command line. Forks: call it from a process with no other threads busy.
int throughput_main(int argc, char** argv);

}  // namespace netgear::bench
