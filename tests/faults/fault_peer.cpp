// fault_peer: one side of a netgear stream as its own process, for the fault
// tests (tests/faults), which kill it, restart it and read what it prints.
//
//   fault_peer sender   --pattern P --endpoint E [--frame HxWxC] [--count N] [--gen G]
//                       [--progress FILE] [-o KEY=JSON]...
//   fault_peer receiver --pattern P --endpoint E [--work-ms MS] [--progress FILE] [-o KEY=JSON]...
//
// The sender stamps frame `seq` of generation `gen` with the message
// {"gen": G, "seq": S} and fills its pixels with fill_byte(G, S); --count 0
// sends until killed; PUB/SUB waits for a subscriber first and offers a frame
// the receiver could not take again. With --progress it stores seq + 1 in a
// SharedCounter before sending frame seq. A receiver on port 0 prints its
// endpoint first. -o sets any netgear option (value as JSON, seconds for timeouts).
//
// Output, one line each, flushed at once:
//   receiver: endpoint <E> | start rss_kb= hwm_kb= |
//             frame gen= seq= ok=0|1 behind= (frames the sender had started after this one
//             before recv() was called; only with --progress) |
//             end reason= frames= dropped= bad= rss_kb= hwm_kb=
//   sender:   ready (connecting) | start rss_kb= hwm_kb= (about to send) | end sent= delivered= timeouts= dropped= rss_kb= hwm_kb= |
//             lost <PeerLostError text> (then exit code 3)
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <opencv2/core.hpp>

#include "faults/frame_stamp.hpp"
#include "faults/proc_status.hpp"
#include "faults/shared_counter.hpp"
#include "netgear/error.hpp"
#include "netgear/receiver.hpp"
#include "netgear/sender.hpp"

namespace {

using namespace netgear;

struct Args {
  std::string role;
  std::map<std::string, std::string> flags;  // --name value
  std::vector<std::string> options;          // -o KEY=JSON

  [[nodiscard]] std::string get(const std::string& name, const std::string& fallback = "") const {
    auto it = flags.find(name);
    return it == flags.end() ? fallback : it->second;
  }
};

Args parse(int argc, char** argv) {
  if (argc < 2) throw std::runtime_error("usage: fault_peer sender|receiver --pattern P --endpoint E ...");
  Args args;
  args.role = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    if (name == "-o")
      args.options.emplace_back(argv[i + 1]);
    else if (name.rfind("--", 0) == 0)
      args.flags[name.substr(2)] = argv[i + 1];
    else
      throw std::runtime_error("unexpected argument " + name);
  }
  return args;
}

void say(const std::string& line) {
  std::fputs((line + "\n").c_str(), stdout);
  std::fflush(stdout);
}

std::string memory_fields() {
  const auto m = faults::memory_of();
  return "rss_kb=" + std::to_string(m.rss) + " hwm_kb=" + std::to_string(m.hwm);
}

Settings settings_from(const Args& args) {
  const std::string endpoint = args.get("endpoint");
  const auto scheme_end = endpoint.find("://");
  const auto colon = endpoint.rfind(':');
  if (scheme_end == std::string::npos || colon == std::string::npos || colon < scheme_end)
    throw std::runtime_error("--endpoint must look like tcp://127.0.0.1:0");
  Settings s;
  s.protocol = protocol_from_string(endpoint.substr(0, scheme_end));
  s.address = endpoint.substr(scheme_end + 3, colon - scheme_end - 3);
  s.port = endpoint.substr(colon + 1);
  s.pattern = pattern_from_int(std::stoi(args.get("pattern", "0")));
  for (const auto& kv : args.options) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos) throw std::runtime_error("-o wants KEY=JSON, got " + kv);
    s.options.set(kv.substr(0, eq), nlohmann::json::parse(kv.substr(eq + 1)));
  }
  return s;
}

cv::Mat make_frame(const std::string& size, std::int64_t gen, std::int64_t seq) {
  int h = 48, w = 64, c = 3;
  if (std::sscanf(size.c_str(), "%dx%dx%d", &h, &w, &c) != 3) throw std::runtime_error("--frame wants HxWxC");
  cv::Mat m(h, w, CV_8UC(c));  // a buffer of its own per frame: sending lends it to ZeroMQ
  std::memset(m.data, faults::fill_byte(gen, seq), m.total() * m.elemSize());
  return m;
}

int run_sender(const Args& args) {
  Sender sender(settings_from(args));
  say("ready");
  const auto gen = std::stoll(args.get("gen", "0"));
  const auto count = std::stoll(args.get("count", "0"));
  const std::string size = args.get("frame", "48x64x3");
  std::unique_ptr<faults::SharedCounter> progress;
  if (!args.get("progress").empty()) progress = std::make_unique<faults::SharedCounter>(args.get("progress"));
  if (sender.settings().pattern == Pattern::pub_sub && !sender.wait_for_receiver(std::chrono::seconds(20))) {
    say("error no subscriber within 20 s");
    return 2;
  }
  say("start " + memory_fields());
  std::uint64_t delivered = 0, timeouts = 0, dropped = 0;
  std::int64_t seq = 0;
  try {
    while (count == 0 || seq < count) {
      if (progress) progress->store(static_cast<std::uint64_t>(seq) + 1);
      const auto result = sender.send(make_frame(size, gen, seq), {{"gen", gen}, {"seq", seq}});
      if (result.status == SendStatus::dropped) {  // PUB/SUB: the receiver lags; offer it again
        ++dropped;
        continue;
      }
      if (result.status == SendStatus::delivered) ++delivered;
      if (result.status == SendStatus::timed_out) ++timeouts;
      ++seq;
    }
  } catch (const PeerLostError& e) {
    say(std::string("lost ") + e.what());
    return 3;
  }
  sender.close();
  say("end sent=" + std::to_string(seq) + " delivered=" + std::to_string(delivered) + " timeouts=" +
      std::to_string(timeouts) + " dropped=" + std::to_string(dropped) + " " + memory_fields());
  return 0;
}

int run_receiver(const Args& args) {
  Receiver receiver(settings_from(args));
  const auto work = std::chrono::milliseconds(std::stoll(args.get("work-ms", "0")));
  std::unique_ptr<faults::SharedCounter> progress;
  if (!args.get("progress").empty()) progress = std::make_unique<faults::SharedCounter>(args.get("progress"));
  say("endpoint " + receiver.endpoints().front());
  say("start " + memory_fields());
  std::uint64_t frames = 0;
  for (;;) {
    const std::int64_t started = progress ? static_cast<std::int64_t>(progress->load()) : 0;
    auto got = receiver.recv();
    if (!got) break;
    ++frames;
    const auto gen = got->message.value("gen", std::int64_t{-1});
    const auto seq = got->message.value("seq", std::int64_t{-1});
    std::string line = "frame gen=" + std::to_string(gen) + " seq=" + std::to_string(seq) +
                       " ok=" + (faults::frame_matches(got->frame.mat(), gen, seq) ? "1" : "0");
    if (progress) line += " behind=" + std::to_string(started - 1 - seq);
    say(line);
    if (work.count() > 0) std::this_thread::sleep_for(work);  // stands in for processing the frame
  }
  const auto st = receiver.stats();
  say("end reason=" + std::string(to_string(receiver.end_reason())) + " frames=" + std::to_string(frames) +
      " dropped=" + std::to_string(st.dropped) + " bad=" + std::to_string(st.bad) + " " + memory_fields());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Args args = parse(argc, argv);
    if (args.role == "sender") return run_sender(args);
    if (args.role == "receiver") return run_receiver(args);
    throw std::runtime_error("role must be sender or receiver, not " + args.role);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fault_peer: %s\n", e.what());
    say(std::string("error ") + e.what());
    return 2;
  }
}
