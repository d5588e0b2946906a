#include "relay_stats.hpp"

#include <fmt/format.h>

namespace netgear::tools {

nlohmann::json stats_json(const RelayStats& s) {
  nlohmann::json streams = nlohmann::json::array(), viewers = nlohmann::json::array(), push = nlohmann::json::array();
  for (const auto& st : s.streams) {
    nlohmann::json j = {{"label", st.label}, {"frames", st.frames}, {"bytes", st.bytes}, {"dropped", st.dropped},
                        {"video", st.video}};
    j["lag_ms"] = st.lag_ms ? nlohmann::json(*st.lag_ms) : nlohmann::json(nullptr);
    streams.push_back(std::move(j));
  }
  for (const auto& v : s.viewers)
    viewers.push_back({{"id", v.id}, {"frames", v.frames}, {"bytes", v.bytes}, {"dropped", v.dropped},
                       {"lag_ms", v.lag_ms}, {"connected_s", v.connected_s}});
  for (const auto& p : s.push)
    push.push_back({{"endpoint", p.endpoint}, {"frames", p.frames}, {"dropped", p.dropped}});
  return {{"streams", streams},
          {"viewers", viewers},
          {"push", push},
          {"viewers_joined", s.viewers_joined},
          {"viewers_refused", s.viewers_refused},
          {"streams_ended", s.streams_ended},
          {"bad", s.bad}};
}

nlohmann::json RelayRates::update(const RelayStats& stats, std::chrono::steady_clock::time_point now) {
  auto line = stats_json(stats);
  line["event"] = "stats";
  const double seconds = last_ == std::chrono::steady_clock::time_point{}
                             ? 0.0
                             : std::chrono::duration<double>(now - last_).count();
  std::map<std::string, std::uint64_t> frames;
  auto rate = [&](nlohmann::json& item, const std::string& key) {
    const std::uint64_t count = item["frames"];
    const auto before = frames_.find(key);
    item["fps"] = seconds > 0 && before != frames_.end() && count >= before->second
                      ? static_cast<double>(count - before->second) / seconds
                      : 0.0;
    frames[key] = count;
  };
  for (auto& st : line["streams"]) rate(st, "s:" + st["label"].get<std::string>());
  for (auto& v : line["viewers"]) rate(v, "v:" + v["id"].get<std::string>());
  frames_ = std::move(frames);
  last_ = now;
  return line;
}

std::string status_text(const nlohmann::json& line) {
  double in = 0, out = 0;
  std::uint64_t missed = 0;
  for (const auto& st : line["streams"]) in += st["fps"].get<double>();
  for (const auto& v : line["viewers"]) {
    out += v["fps"].get<double>();
    missed += v["dropped"].get<std::uint64_t>();
  }
  const auto count = [](std::size_t n, const char* what) { return fmt::format("{} {}{}", n, what, n == 1 ? "" : "s"); };
  return fmt::format("relay: in {:.1f} fps from {} | out {:.1f} fps to {}, {} missed | {} ended, {} bad", in,
                     count(line["streams"].size(), "stream"), out, count(line["viewers"].size(), "viewer"), missed,
                     line["streams_ended"].get<std::uint64_t>(), line["bad"].get<std::uint64_t>());
}

}  // namespace netgear::tools
