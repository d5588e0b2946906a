// run.sh's results (one JSON line per rate and case) as a markdown table, or
// as one JSON document.
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>

#include "link/link.hpp"

namespace netgear::bench::link {

namespace {

std::string format(const char* spec, double value) {
  char text[64];
  std::snprintf(text, sizeof text, spec, value);
  return text;
}

// Payload Mbit/s that reached the receiver over the stream.
double goodput_mbit(const json& recv) {
  const double s = recv.value("stream_seconds", 0.0);
  return s > 0 ? recv["stats"].value("bytes", 0.0) * 8 / s / 1e6 : 0;
}

void print_row(const json& r) {
  const double rate = r.value("rate_mbit", 0.0);
  const auto& send = r["send"];
  const auto& recv = r["recv"];
  std::printf("| %g | %s | ", rate, r.value("case", "?").c_str());
  if (send.contains("not_built")) {
    std::printf("%s | | | | | | | |\n", send["not_built"].get<std::string>().c_str());
    return;
  }
  if (!recv.is_object() || !recv.contains("delivered")) {
    std::printf("failed: %s | | | | | | | |\n", r.value("error", std::string("no result")).c_str());
    return;
  }
  const double mbit = goodput_mbit(recv);
  const auto& psnr = recv["psnr_db"];
  const auto& psnr_y = recv.contains("psnr_y_db") ? recv["psnr_y_db"] : psnr;
  const std::string quality = !psnr.is_null() ? format("%.1f", psnr_y.get<double>()) + " / " +
                                                    format("%.1f", psnr.get<double>())
                              : recv.value("identical_frames", 0) > 0 ? "lossless"
                                                                      : "-";
  std::printf("%s | %s | %s | %s | %s | %s | %s / %s | %s |\n", format("%.1f", recv.value("fps", 0.0)).c_str(),
              format("%.0f", recv["latency_ms"].value("p50", 0.0)).c_str(),
              format("%.0f", recv["latency_ms"].value("p99", 0.0)).c_str(),
              format("%.1f", recv.value("bytes_per_frame", 0.0) / 1024).c_str(), quality.c_str(),
              (format("%.1f", mbit) + " (" + format("%.0f", rate > 0 ? 100 * mbit / rate : 0) + "%)").c_str(),
              std::to_string(send.value("skipped", 0)).c_str(), std::to_string(send.value("offered", 0)).c_str(),
              std::to_string(r.value("tc_dropped", 0)).c_str());
}

}  // namespace

int run_report(const std::string& path, bool as_json) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  json rows = json::array(), ceilings = json::array(), setup = json::object();
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    json r = json::parse(line);
    if (r.contains("ceiling")) ceilings.push_back(std::move(r));
    else if (r.contains("setup")) setup = std::move(r["setup"]);
    else rows.push_back(std::move(r));
  }
  if (as_json) {
    std::printf("%s\n", json{{"setup", setup}, {"ceilings", ceilings}, {"rows", rows}}.dump(2).c_str());
    return 0;
  }
  std::printf("%s\n\n", setup.value("title", std::string("netgear over a throttled link")).c_str());
  std::printf("| Mbit/s | case | delivered fps | latency p50 ms | p99 ms | KB/frame | PSNR Y / BGR dB | payload Mbit/s "
              "(of link) | skipped at sender | tc drops |\n"
              "|---|---|---|---|---|---|---|---|---|---|\n");
  for (const auto& r : rows) print_row(r);
  std::printf("\n");
  for (const auto& c : ceilings) {
    const double rate = c.value("rate_mbit", 0.0);
    const auto& sink = c["ceiling"];
    const double mbit = sink.is_object() ? sink.value("mbit_per_s", 0.0) : 0;
    std::printf("ceiling at %g Mbit/s: a raw 2-part ZeroMQ stream (%s-byte messages, no replies) gets %.1f Mbit/s "
                "through, %.0f%% of the rate\n",
                rate, std::to_string(c.value("message_bytes", 0)).c_str(), mbit, rate > 0 ? 100 * mbit / rate : 0);
  }
  return 0;
}

}  // namespace netgear::bench::link
