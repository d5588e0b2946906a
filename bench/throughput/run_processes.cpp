// Mode::process: a receiver child (binds, reports its endpoint to the parent)
// and then a sender child (connects); each reports one JSON line of figures.
#include <chrono>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "support/child.hpp"
#include "throughput/runs.hpp"

namespace netgear::bench {

using namespace std::chrono;

Figures run_in_processes(const Config& c, const Case& k, const Implementation& impl, const cv::Mat& frame) {
  const std::string local_name = fresh_ipc_path(c, impl.ipc_prefix);
  const std::string who = impl.name(k);
  netgear::tools::Child receiver([&](const Report& report) { return impl.receiver(c, k, local_name, report); });
  const std::string endpoint = expect_line(receiver, seconds(10), who + " receiver start");
  netgear::tools::Child sender([&](const Report& report) {
    report(impl.sender(c, k, endpoint, frame).dump());
    return 0;
  });
  Figures f;
  try {
    f.sender = json::parse(expect_line(sender, run_budget(c), who + " sender"));
  } catch (const std::runtime_error& e) {  // often the receiver's fault: say what it said
    const auto said = receiver.read_line(milliseconds(50));
    throw std::runtime_error(std::string(e.what()) + (said ? "; " + who + " receiver: " + *said : std::string()));
  }
  f.receiver = json::parse(expect_line(receiver, seconds(30), who + " receiver"));
  if (sender.wait(seconds(10)) != 0) throw std::runtime_error(who + ": the sender process failed");
  if (receiver.wait(seconds(10)) != 0) throw std::runtime_error(who + ": the receiver process failed");
  f.ran = true;
  return f;
}

}  // namespace netgear::bench
