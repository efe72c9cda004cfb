#include "sim/cli/render.hpp"

#include <sstream>

#include <fmt/format.h>

namespace dnnsim::cli {

std::string render_result(const Result& result, const Network& network, Format format) {
  std::ostringstream out;
  switch (format) {
    case Format::json:
      out << to_json(result, network).dump(2) << '\n';
      break;
    case Format::csv:
      write_csv(out, result, network);
      break;
    case Format::table:
      write_table(out, result, network);
      break;
  }
  return out.str();
}

std::string render_grid_rows(const std::vector<GridRow>& rows, const RunRequest& req,
                             std::string_view engine) {
  std::ostringstream out;
  const Plan& first = req.plans.front();
  switch (req.format) {
    case Format::json: {
      nlohmann::ordered_json j;
      j["engine"] = engine;
      j["workload"] = req.network.name;
      j["platform"] = req.platform.name;
      j["batch"] = req.batch;
      j["procs"] = first.procs;
      j["strategy"] = std::string(to_string(first.strategy));
      auto table = grid_table_json(rows, req.network);
      j["best"] = std::move(table["best"]);
      j["grids"] = std::move(table["grids"]);
      out << j.dump(2) << '\n';
      break;
    }
    case Format::csv:
      write_grid_table_csv(out, rows);
      break;
    case Format::table:
      write_grid_table(out, rows,
                       fmt::format("{} on {}: P = {}, batch {}, strategy {}, every Pr x Pc grid "
                                   "({})",
                                   req.network.name, req.platform.name, first.procs, req.batch,
                                   to_string(first.strategy),
                                   engine == "analytic" ? "analytic, docs/model.md" : "SimGrid"));
      break;
  }
  return out.str();
}

}  // namespace dnnsim::cli
