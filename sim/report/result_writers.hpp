#pragma once
// Result as JSON (for programs), CSV (one row per layer) and a table (for people), and the
// one-row-per-grid forms of `--grid all` (docs/design.md, "Outputs").

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/common/units.hpp"
#include "sim/result/result.hpp"
#include "sim/result/result_json.hpp"
#include "sim/workload/network.hpp"

namespace dnnsim {

void write_csv(std::ostream& out, const Result& result, const Network& network);
void write_table(std::ostream& out, const Result& result, const Network& network);

/// One grid of a `--grid all` table: its result or the limit it breaks.
struct GridRow {
  ProcessGrid grid;
  std::optional<Result> result;
  std::string violation;  ///< "layer 'x': limit", when there is no result
};

/// Index of the fastest row with a result, or nothing.
[[nodiscard]] std::optional<std::size_t> best_row(const std::vector<GridRow>& rows);

[[nodiscard]] nlohmann::ordered_json grid_table_json(const std::vector<GridRow>& rows,
                                                     const Network& network);
void write_grid_table_csv(std::ostream& out, const std::vector<GridRow>& rows);
void write_grid_table(std::ostream& out, const std::vector<GridRow>& rows,
                      const std::string& title);

}  // namespace dnnsim
