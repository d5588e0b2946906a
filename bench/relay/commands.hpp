#pragma once
// The relay benchmark's two runs (see bench/relay/README.md).

#include <string>
#include <vector>

namespace netgear::bench {

struct FanoutArgs {
  std::string relay_bin;  ///< the `netgear` binary (the relay and the stopped viewer run it)
  int viewers = 50;
  int width = 1280, height = 720;
  double fps = 30, seconds = 10, warmup = 3;
};
int run_fanout(const FanoutArgs& args);

struct RawArgs {
  std::vector<int> viewers{1, 4, 16};
  int width = 1280, height = 720;
  double seconds = 5;
};
int run_raw(const RawArgs& args);

}  // namespace netgear::bench
