// `dnnsim analytic`: MODEL.md for one plan, or every grid of P with the best marked.

#include <memory>
#include <sstream>

#include <fmt/format.h>

#include "sim/cli/commands.hpp"
#include "sim/cli/run_options.hpp"
#include "sim/common/error.hpp"
#include "sim/model/analytic_model.hpp"
#include "sim/report/result_writers.hpp"

namespace dnnsim::cli {

void add_analytic_command(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand(
      "analytic", "Cost of one training iteration under the paper's model (MODEL.md)");
  add_run_options(*cmd, *options);
  cmd->callback([options] {
    const RunRequest req = make_request(*options);
    AnalyticModel model(req.network, req.platform);
    std::ostringstream out;
    if (!req.grid_all) {
      const Result result = model.run(req.plans.front(), req.batch);
      switch (req.format) {
        case Format::json: out << to_json(result, req.network).dump(2) << '\n'; break;
        case Format::csv: write_csv(out, result, req.network); break;
        case Format::table: write_table(out, result, req.network); break;
      }
      emit(options->output, out.str());
      return;
    }
    std::vector<GridRow> rows;
    for (const Plan& plan : req.plans) {
      Evaluation e = model.evaluate(plan, req.batch);
      GridRow row{plan.grid, std::nullopt, {}};
      if (e.violation) {
        row.violation = fmt::format("layer '{}': {}", req.network.layers[e.violation->layer].name,
                                    e.violation->limit);
      } else {
        row.result = std::move(e.result);
      }
      rows.push_back(std::move(row));
    }
    const Plan& first = req.plans.front();
    switch (req.format) {
      case Format::json: {
        nlohmann::ordered_json j;
        j["engine"] = "analytic";
        j["workload"] = req.network.name;
        j["platform"] = req.platform.name;
        j["batch"] = req.batch;
        j["procs"] = first.procs;
        j["strategy"] = std::string(to_string(first.strategy));
        const auto table = grid_table_json(rows, req.network);
        j["best"] = table["best"];
        j["grids"] = table["grids"];
        out << j.dump(2) << '\n';
        break;
      }
      case Format::csv: write_grid_table_csv(out, rows); break;
      case Format::table:
        write_grid_table(out, rows,
                         fmt::format("{} on {}: P = {}, batch {}, strategy {}, every Pr x Pc grid "
                                     "(analytic, MODEL.md)",
                                     req.network.name, req.platform.name, first.procs, req.batch,
                                     to_string(first.strategy)));
        break;
    }
    emit(options->output, out.str());
  });
}

}  // namespace dnnsim::cli
