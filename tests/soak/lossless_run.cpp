// lossless_run: streams N frames (default 100000) over REQ/REP on tcp
// loopback, from a Sender thread to a Receiver on the main thread of this one
// process, and checks that every frame arrives exactly once, in order, intact
// (sequence number and FNV-1a 64 checksum in the message, pixels from the seq).
// Prints the counts, the time, the frame rate and VmRSS/VmHWM after the first
// 1000 frames, at 10 % and at the end; exits 1 on any lost, duplicated,
// reordered or corrupted frame, or if VmRSS grew by more than 8 MiB from the
// 10 % mark to the end.
//
//   lossless_run [--frames N] [--inject drop|dup|reorder|corrupt]
//
// --inject makes the sender misbehave once, at frame N/2, to show the checks
// catch it (the soak.lossless_detects_* tests).
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "faults/proc_status.hpp"
#include "netgear/receiver.hpp"
#include "netgear/sender.hpp"
#include "soak/soak_frames.hpp"

namespace {

using namespace netgear;
using Clock = std::chrono::steady_clock;

constexpr long kRssGrowthBoundKb = 8 * 1024;

struct Config {
  std::uint64_t frames = 100000;
  std::string inject;  // "", drop, dup, reorder, corrupt
};

Config parse(int argc, char** argv) {
  Config c;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--frames") c.frames = std::stoull(argv[i + 1]);
    else if (flag == "--inject") c.inject = argv[i + 1];
    else throw std::runtime_error("unknown flag " + flag);
  }
  if (c.frames < 10) throw std::runtime_error("--frames must be at least 10");
  if (!c.inject.empty() && c.inject != "drop" && c.inject != "dup" && c.inject != "reorder" && c.inject != "corrupt")
    throw std::runtime_error("--inject takes drop, dup, reorder or corrupt");
  return c;
}

void send_one(Sender& sender, std::uint64_t seq, bool corrupt) {
  cv::Mat m = soak::soak_frame(seq);
  const std::uint64_t sum = soak::fnv1a64(m);
  if (corrupt) m.data[m.total() * m.elemSize() / 2] ^= 0x01;
  const auto status = sender.send(m, {{"seq", seq}, {"fnv", sum}}).status;
  if (status != SendStatus::delivered) throw std::runtime_error("frame " + std::to_string(seq) + " was not delivered");
}

// The sender thread: frames 0..N-1 in order, except the one injected fault.
void run_sender(const std::string& endpoint, const Config& c, std::string& error) {
  try {
    Settings s;
    const auto colon = endpoint.rfind(':');
    s.address = "127.0.0.1";
    s.port = endpoint.substr(colon + 1);
    s.pattern = Pattern::req_rep;
    Sender sender(s);
    const std::uint64_t at = c.frames / 2;
    for (std::uint64_t seq = 0; seq < c.frames; ++seq) {
      if (seq == at && c.inject == "drop") continue;
      if (seq == at && c.inject == "reorder") {
        send_one(sender, seq + 1, false);
        send_one(sender, seq, false);
        ++seq;
        continue;
      }
      send_one(sender, seq, seq == at && c.inject == "corrupt");
      if (seq == at && c.inject == "dup") send_one(sender, seq, false);
    }
    sender.close();
  } catch (const std::exception& e) {
    error = e.what();
  }
}

struct Checks {
  std::vector<bool> seen;
  std::uint64_t received = 0, duplicated = 0, reordered = 0, corrupted = 0;
  std::int64_t highest = -1;

  void frame(const Received& got) {
    ++received;
    const auto seq = got.message.value("seq", std::uint64_t{0});
    const auto sum = got.message.value("fnv", std::uint64_t{0});
    const cv::Mat& m = got.frame.mat();
    const bool intact = seq < seen.size() && m.rows == soak::kRows && m.cols == soak::kCols &&
                        m.channels() == soak::kChannels && m.isContinuous() && soak::fnv1a64(m) == sum &&
                        sum == soak::fnv1a64(soak::soak_frame(seq));
    if (!intact) ++corrupted;
    if (seq >= seen.size()) return;
    if (seen[seq]) {
      ++duplicated;
      return;
    }
    if (static_cast<std::int64_t>(seq) < highest) ++reordered;
    seen[seq] = true;
    highest = std::max(highest, static_cast<std::int64_t>(seq));
  }

  [[nodiscard]] std::uint64_t lost() const {
    std::uint64_t n = 0;
    for (const bool s : seen) n += s ? 0 : 1;
    return n;
  }
};

void print_memory(const char* when, std::uint64_t frames, const faults::MemoryKb& m) {
  std::printf("  memory %-14s (%7llu frames): VmRSS %6ld KiB  VmHWM %6ld KiB\n", when,
              static_cast<unsigned long long>(frames), m.rss, m.hwm);
}

}  // namespace

int main(int argc, char** argv) {
  Config c;
  try {
    c = parse(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lossless_run: %s\n", e.what());
    return 2;
  }
  Settings rs;
  rs.address = "127.0.0.1";
  rs.port = "*";
  rs.pattern = Pattern::req_rep;
  rs.options.receive_timeout = std::chrono::seconds(10);  // a stall ends the run instead of hanging it
  Receiver receiver(rs);
  const std::string endpoint = receiver.endpoints().front();
  std::printf("lossless_run: %llu frames of %dx%dx%d over REQ/REP %s (sender thread -> receiver, one process)%s%s\n",
              static_cast<unsigned long long>(c.frames), soak::kRows, soak::kCols, soak::kChannels, endpoint.c_str(),
              c.inject.empty() ? "" : ", injecting: ", c.inject.c_str());
  std::string sender_error;
  std::thread sender([&] { run_sender(endpoint, c, sender_error); });

  Checks checks;
  checks.seen.assign(c.frames, false);
  const std::uint64_t first_mark = std::min<std::uint64_t>(1000, c.frames), tenth = std::max<std::uint64_t>(1, c.frames / 10);
  faults::MemoryKb at_tenth;
  Clock::time_point first{}, last{};
  while (auto got = receiver.recv()) {
    last = Clock::now();
    if (checks.received == 0) first = last;
    checks.frame(*got);
    if (checks.received == first_mark) print_memory("after start", checks.received, faults::memory_of());
    if (checks.received == tenth) at_tenth = faults::memory_of();
  }
  const auto at_end = faults::memory_of();
  sender.join();
  const double seconds = std::chrono::duration<double>(last - first).count();
  print_memory("at 10 %", tenth, at_tenth);
  print_memory("at the end", checks.received, at_end);
  const long growth = at_end.rss - at_tenth.rss;
  const std::uint64_t lost = checks.lost();
  std::printf("  received %llu frames in %.2f s (%.0f fps); lost %llu, duplicated %llu, reordered %llu, corrupted %llu; "
              "VmRSS growth from 10 %% to the end %ld KiB (bound %ld KiB); end of stream: %s\n",
              static_cast<unsigned long long>(checks.received), seconds, seconds > 0 ? checks.received / seconds : 0.0,
              static_cast<unsigned long long>(lost), static_cast<unsigned long long>(checks.duplicated),
              static_cast<unsigned long long>(checks.reordered), static_cast<unsigned long long>(checks.corrupted), growth,
              kRssGrowthBoundKb, receiver.end_reason() == EndReason::terminated ? "terminated" : "NOT terminated");
  const bool ok = lost == 0 && checks.duplicated == 0 && checks.reordered == 0 && checks.corrupted == 0 &&
                  growth <= kRssGrowthBoundKb && sender_error.empty() && receiver.end_reason() == EndReason::terminated;
  if (!sender_error.empty()) std::printf("  sender: %s\n", sender_error.c_str());
  std::printf("lossless_run: %s: %llu lost, %llu duplicated, %llu reordered, %llu corrupted; VmRSS growth %ld KiB%s\n",
              ok ? "PASS" : "FAIL", static_cast<unsigned long long>(lost),
              static_cast<unsigned long long>(checks.duplicated), static_cast<unsigned long long>(checks.reordered),
              static_cast<unsigned long long>(checks.corrupted), growth,
              growth > kRssGrowthBoundKb ? " (over the bound)" : "");
  return ok ? 0 : 1;
}
