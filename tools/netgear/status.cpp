#include "status.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>

#include <fmt/format.h>
#include <unistd.h>

namespace netgear::tools {
namespace {

using Clock = std::chrono::steady_clock;

constexpr double kFloorMs = 0.001;  // bucket 0 holds everything under 1 us
const double kLogStep = std::log(1.02);

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::max(std::chrono::duration<double>(b - a).count(), 1e-9);
}

// `v` to `decimals` places, as the nearest double to the decimal (so JSON
// shows 0.47, not 0.47000000000000003).
double rounded(double v, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
}

// null when there are no samples (a vidgear sender stamps no send time).
nlohmann::json ms_or_null(const LatencyHistogram& h, double p) {
  if (h.count() == 0) return nullptr;
  return rounded(h.percentile(p), 3);
}

std::string ms_text(const nlohmann::json& v) {
  return v.is_null() ? std::string("n/a") : fmt::format("{:.2f} ms", v.get<double>());
}


}  // namespace

void LatencyHistogram::add(double ms) {
  if (!std::isfinite(ms) || ms < 0) ms = 0;  // clocks of two machines may disagree a little
  const auto index =
      ms <= kFloorMs ? std::size_t{0} : static_cast<std::size_t>(std::log(ms / kFloorMs) / kLogStep) + 1;
  if (index >= buckets_.size()) buckets_.resize(index + 1, 0);
  ++buckets_[index];
  ++count_;
  max_ = std::max(max_, ms);
}

void LatencyHistogram::clear() {
  std::fill(buckets_.begin(), buckets_.end(), 0);
  count_ = 0;
  max_ = 0;
}

double LatencyHistogram::percentile(double p) const {
  if (count_ == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(std::ceil(std::clamp(p, 0.0, 1.0) * static_cast<double>(count_)));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= std::max<std::uint64_t>(rank, 1)) {
      if (i == 0) return kFloorMs;
      // The bucket's upper edge, never above the largest sample.
      return std::min(kFloorMs * std::exp(static_cast<double>(i) * kLogStep), max_);
    }
  }
  return max_;
}

StatusReporter::StatusReporter(std::string side, StatusStyle style, std::chrono::milliseconds period)
    : side_(std::move(side)),
      style_(style),
      live_(style == StatusStyle::terminal && ::isatty(STDERR_FILENO) == 1),
      period_(period),
      start_(Clock::now()),
      window_start_(start_),
      next_(start_ + period) {}

Counters counters_of(const SenderStats& s) {
  return {.frames = s.frames_sent, .bytes = s.bytes_sent, .dropped = s.dropped, .timeouts = s.timeouts};
}

Counters counters_of(const ReceiverStats& s) {
  return {.frames = s.delivered, .bytes = s.bytes, .dropped = s.dropped, .bad = s.bad, .queued = s.queued};
}

void StatusReporter::one_way_latency(const Received& got) {
  if (got.sent_at)
    latency(std::chrono::duration<double, std::milli>(std::chrono::system_clock::now() - *got.sent_at).count());
}

void StatusReporter::latency(double ms) {
  window_latency_.add(ms);
  total_latency_.add(ms);
}

nlohmann::json StatusReporter::status(const Counters& now, Clock::time_point at) {
  const double span = seconds_between(window_start_, at);
  return {{"event", "status"},
          {"side", side_},
          {"elapsed_s", rounded(seconds_between(start_, at), 2)},
          {"frames", now.frames},
          {"fps", rounded(static_cast<double>(now.frames - window_base_.frames) / span, 1)},
          {"mbps", rounded(static_cast<double>(now.bytes - window_base_.bytes) / span / 1e6, 2)},
          {"mbit_s", rounded(static_cast<double>(now.bytes - window_base_.bytes) * 8 / span / 1e6, 2)},
          {"latency_p50_ms", ms_or_null(window_latency_, 0.5)},
          {"latency_p99_ms", ms_or_null(window_latency_, 0.99)},
          {"dropped", now.dropped},
          {"bad", now.bad},
          {"timeouts", now.timeouts},
          {"queued", now.queued}};
}

// The receiver's latency is one-way (the sender's timestamp to recv()); the
// sender's is the round trip of send() to the receiver's reply.
static std::string latency_label(const std::string& side) { return side == "sender" ? "round trip" : "latency"; }

std::string format_status_line(const std::string& side, const nlohmann::json& s) {
  // MB/s for frames on one machine; Mbit/s is how links (and bitrates) are counted.
  std::string line = fmt::format("[{:5.1f}s] {} {:7} frames {:7.1f} fps {:8.2f} MB/s {:8.2f} Mbit/s  {} p50 {} p99 {}",
                                 s["elapsed_s"].get<double>(), side, s["frames"].get<std::uint64_t>(),
                                 s["fps"].get<double>(), s["mbps"].get<double>(), s["mbit_s"].get<double>(),
                                 latency_label(side),
                                 ms_text(s["latency_p50_ms"]), ms_text(s["latency_p99_ms"]));
  line += fmt::format("  dropped {}", s["dropped"].get<std::uint64_t>());
  if (side == "sender") {
    line += fmt::format("  timeouts {}", s["timeouts"].get<std::uint64_t>());
  } else {
    line += fmt::format("  bad {}  queue {}", s["bad"].get<std::uint64_t>(), s["queued"].get<std::uint64_t>());
  }
  // Say what an idle side waits for, rather than a row of zeros.
  if (s["frames"].get<std::uint64_t>() == 0) line += side == "sender" ? "  (waiting for a receiver)" : "  (waiting for a sender)";
  return line;
}

void StatusReporter::print_status(const nlohmann::json& s) {
  switch (style_) {
    case StatusStyle::terminal:
      // Off a terminal (a log, a pipe): one line per period on stdout, as `demo` prints them.
      if (live_) std::cerr << "\r\033[K" << format_status_line(side_, s) << std::flush;
      else std::cout << format_status_line(side_, s) << std::endl;
      break;
    case StatusStyle::lines:
      std::cout << format_status_line(side_, s) << std::endl;
      break;
    case StatusStyle::json:
      std::cout << s.dump() << std::endl;
      break;
    case StatusStyle::quiet:
      break;
  }
}

void StatusReporter::note(const std::string& what, const nlohmann::json& value) {
  constexpr std::size_t kShown = 200;
  if (style_ == StatusStyle::json) {
    std::cout << nlohmann::json{{"event", "data"}, {"side", side_}, {what, value}}.dump() << std::endl;
    return;
  }
  if (style_ == StatusStyle::quiet) return;
  std::string text = value.dump(-1, ' ', /*ensure_ascii=*/true, nlohmann::json::error_handler_t::replace);
  if (text.size() > kShown) text = fmt::format("{}... ({} bytes)", text.substr(0, kShown), text.size());
  const std::string line = fmt::format("{}: {} {}", side_, what, text);
  if (live_) std::cerr << "\r\033[K" << line << "\n" << std::flush;
  else std::cout << line << std::endl;
}

void StatusReporter::track_stream(const Counters& now, Clock::time_point at) {
  if (now.frames == frames_seen_) return;
  if (frames_seen_ == 0) first_frame_at_ = at;
  last_frame_at_ = at;
  frames_seen_ = now.frames;
}

void StatusReporter::update(const Counters& now) {
  const auto at = Clock::now();
  track_stream(now, at);
  if (at < next_) return;
  last_ = status(now, at);
  print_status(last_);
  window_start_ = at;
  window_base_ = now;
  window_latency_.clear();
  while (next_ <= at) next_ += period_;
}

nlohmann::json StatusReporter::finish(const Counters& now, const nlohmann::json& extra) {
  const auto at = Clock::now();
  const double elapsed = seconds_between(start_, at);
  // The rate between the first frame and the last (frames - 1 intervals) when
  // update() saw them come; else over the whole run.
  const bool tracked = frames_seen_ > 0;
  track_stream(now, at);
  double streaming = elapsed;
  double per_second = elapsed > 0 ? 1.0 / elapsed : 0.0;
  if (tracked) {
    streaming = seconds_between(first_frame_at_, last_frame_at_);
    per_second = now.frames >= 2 && streaming > 0
                     ? static_cast<double>(now.frames - 1) / static_cast<double>(now.frames) / streaming
                     : 0.0;
  }
  nlohmann::json s = {{"event", "summary"},
                      {"side", side_},
                      {"elapsed_s", rounded(elapsed, 2)},
                      {"streaming_s", rounded(streaming, 2)},
                      {"frames", now.frames},
                      {"fps", rounded(static_cast<double>(now.frames) * per_second, 1)},
                      {"mbps", rounded(static_cast<double>(now.bytes) * per_second / 1e6, 2)},
                      {"mbit_s", rounded(static_cast<double>(now.bytes) * 8 * per_second / 1e6, 2)},
                      {"bytes", now.bytes},
                      {"latency_p50_ms", ms_or_null(total_latency_, 0.5)},
                      {"latency_p99_ms", ms_or_null(total_latency_, 0.99)},
                      {"latency_max_ms", total_latency_.count() ? nlohmann::json(rounded(total_latency_.max(), 3))
                                                                : nlohmann::json(nullptr)},
                      {"dropped", now.dropped},
                      {"bad", now.bad},
                      {"timeouts", now.timeouts}};
  s.update(extra);
  if (live_) std::cerr << "\r\033[K" << std::flush;
  if (style_ == StatusStyle::json) {
    std::cout << s.dump() << std::endl;
    return s;
  }
  std::cout << fmt::format("{}: {} frames in {:.2f} s ({:.1f} fps, {:.2f} MB/s, {:.2f} Mbit/s); {} p50 {}, p99 {}; {} dropped, ",
                           side_, now.frames, streaming, s["fps"].get<double>(), s["mbps"].get<double>(), s["mbit_s"].get<double>(),
                           latency_label(side_), ms_text(s["latency_p50_ms"]), ms_text(s["latency_p99_ms"]),
                           now.dropped)
            << (side_ == "sender" ? fmt::format("{} timeouts\n", now.timeouts) : fmt::format("{} bad\n", now.bad));
  for (const auto& [key, value] : extra.items())
    std::cout << "  " << key << ": " << (value.is_string() ? value.get<std::string>() : value.dump()) << "\n";
  std::cout << std::flush;
  return s;
}

}  // namespace netgear::tools
