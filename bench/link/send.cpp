// The sending end of the link benchmark: a netgear Sender fed like a camera.
//
// Frame i exists from t0 + i / fps on; the camera does not wait for send().
// When send() returns, the newest frame that exists is sent next, and the
// ones that came and went while send() was busy are skipped (counted).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>

#include "bench_stats.hpp"
#include "link/endpoint.hpp"
#include "link/link.hpp"
#include "netgear/error.hpp"
#include "netgear/sender.hpp"

namespace netgear::bench::link {

namespace {

using namespace std::chrono;

struct Counts {
  std::uint64_t sent = 0, delivered = 0, timed_out = 0, other = 0;
  std::vector<double> send_ms;
};

}  // namespace

int run_sender(const Params& p) {
  const Case c = find_case(p, p.case_name);
  if (auto why = unavailable(c); !why.empty()) {
    emit({{"role", "send"}, {"case", c.name}, {"not_built", why}});
    return 0;  // reported, not a failure: run.sh prints the row as not built
  }
  const auto cycle = render_cycle(p);

  netgear::Settings s;
  const auto [address, port] = split_endpoint(p.endpoint);
  s.address = address;
  s.port = port;
  for (auto& [key, value] : c.options.items()) s.options.set(key, value);
  s.options.set("request_timeout", p.request_timeout);
  netgear::Sender sender(s);

  const auto period = duration_cast<steady_clock::duration>(duration<double>(1.0 / p.fps));
  const auto offered = static_cast<long long>(std::ceil(p.seconds * p.fps));
  Counts n;
  std::string failure;
  const auto t0 = steady_clock::now();
  long long next = 0;  // the first frame not yet sent nor skipped
  try {
    for (;;) {
      const long long newest = (steady_clock::now() - t0) / period;  // the newest frame that exists
      const long long i = std::max(next, newest);
      if (i >= offered) break;
      std::this_thread::sleep_until(t0 + i * period);  // at once when it already exists
      const auto start = steady_clock::now();
      const auto result = sender.send(cycle[static_cast<std::size_t>(i % p.cycle)], i);
      n.send_ms.push_back(duration<double, std::milli>(steady_clock::now() - start).count());
      ++n.sent;
      if (result.status == netgear::SendStatus::delivered) ++n.delivered;
      else if (result.status == netgear::SendStatus::timed_out) ++n.timed_out;
      else ++n.other;
      next = i + 1;
    }
  } catch (const netgear::PeerLostError& e) {
    failure = e.what();  // the receiver stopped replying: reported, and the run fails
  }
  const double seconds = duration<double>(steady_clock::now() - t0).count();
  sender.close();  // the termination: the receiver's stream ends
  const auto stats = sender.stats();
  const auto ms = percentiles(n.send_ms);
  json line = {{"role", "send"},
               {"case", c.name},
               {"options", c.options},
               {"offered", offered},
               {"sent", n.sent},
               {"skipped", static_cast<std::uint64_t>(offered) - n.sent},
               {"delivered", n.delivered},
               {"timed_out", n.timed_out},
               {"other_status", n.other},
               {"bytes_sent", stats.bytes_sent},
               {"seconds", seconds},
               {"send_ms", {{"p50", ms.p50}, {"p99", ms.p99}, {"max", ms.max}}}};
  if (!failure.empty()) line["error"] = failure;
  emit(line);
  return failure.empty() ? 0 : 1;
}

}  // namespace netgear::bench::link
