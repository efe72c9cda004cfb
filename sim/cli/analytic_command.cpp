// `dnnsim analytic`: docs/model.md for one plan, or every grid of P with the best marked.

#include <memory>

#include <fmt/format.h>

#include "sim/cli/commands.hpp"
#include "sim/cli/render.hpp"
#include "sim/model/analytic_model.hpp"
#include "sim/request/run_options.hpp"

namespace dnnsim::cli {

void add_analytic_command(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand(
      "analytic", "Cost of one training iteration under the paper's model (docs/model.md)");
  add_run_options(*cmd, *options);
  cmd->callback([options] {
    const RunRequest req = make_request(*options);
    AnalyticModel model(req.network, req.platform);
    if (!req.grid_all) {
      emit(options->output,
           render_result(model.run(req.plans.front(), req.batch), req.network, req.format));
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
    emit(options->output, render_grid_rows(rows, req, "analytic"));
  });
}

}  // namespace dnnsim::cli
