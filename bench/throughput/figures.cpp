#include "throughput/figures.hpp"

namespace netgear::bench {

double ratio(const Figures& ours, const Figures& other) { return other.fps() > 0 ? ours.fps() / other.fps() : 0; }

json figures_json(const Config& c, const Case& k, const Figures& f) {
  if (!f.ran) return nullptr;
  const double mb = static_cast<double>(k.size.bytes()) / 1e6;
  json cpu = {{"sender", Figures::per_1000(f.sender)}, {"receiver", Figures::per_1000(f.receiver)}};
  json rss = {{"sender", f.sender.at("rss_mib")}, {"receiver", f.receiver.at("rss_mib")}};
  if (k.mode == Mode::threads) {
    cpu["process"] = Figures::per_1000(f.receiver, "process_cpu");
    rss = {{"process", f.receiver.at("rss_mib")}};
  }
  json out = {{"frames", f.frames()},
              {"lost", c.frames - f.frames()},
              {"seconds", f.receiver.at("seconds")},
              {"fps", f.fps()},
              {"mb_per_s", f.fps() * mb},
              {"latency_ms", f.receiver.at("latency_ms")},
              {"cpu_s_per_1000_frames", cpu},
              {"peak_rss_mib", rss}};
  out.update(f.extra);
  return out;
}

}  // namespace netgear::bench
