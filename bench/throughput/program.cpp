// netgear_bench_throughput: the benchmark on its own (`netgear bench` runs the same).
#include "throughput/throughput.hpp"

int main(int argc, char** argv) { return netgear::bench::throughput_main(argc, argv); }
