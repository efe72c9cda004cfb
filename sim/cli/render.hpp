#pragma once
// Renders results the same way for every engine (docs/design.md, "Outputs").

#include <string>
#include <vector>

#include "sim/report/result_writers.hpp"
#include "sim/request/run_options.hpp"

namespace dnnsim::cli {

[[nodiscard]] std::string render_result(const Result& result, const Network& network,
                                        Format format);

/// The `--grid all` table: one row per grid, the best marked.
[[nodiscard]] std::string render_grid_rows(const std::vector<GridRow>& rows,
                                           const RunRequest& request, std::string_view engine);

}  // namespace dnnsim::cli
