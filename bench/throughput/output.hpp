#pragma once
// What the benchmark prints: a table per mode (a legend saying how each
// column is measured, notes on what was skipped, a row per implementation
// and case), or one JSON document (machine, configuration, notes, cases).
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "throughput/cases.hpp"
#include "throughput/figures.hpp"

namespace netgear::bench {

const char* pattern_name(int pattern);

/// netgear's fps over the other implementations', on netgear's row only.
struct Ratios {
  std::optional<double> raw;
  std::optional<double> python;
};

/// The legend, the notes and the column heads of a mode's table.
void print_table_head(const Config& c, Mode mode, const std::vector<std::string>& notes);

/// One row: `impl` in case k.
void print_row(const Config& c, const Case& k, const char* impl, const Figures& f, const Ratios& ratios);

/// Where the figures were taken: CPU, kernel, libzmq, OpenCV.
json machine_info();

/// The configuration as the JSON output records it.
json config_json(const Config& c);

}  // namespace netgear::bench
