// `dnnsim simulate`: the SimGrid replay of the per-rank task graphs, with the same
// arguments and outputs as `analytic`, plus the network's own choices.

#include <memory>

#include <fmt/format.h>

#include "sim/cli/commands.hpp"
#include "sim/cli/render.hpp"
#include "sim/cli/sim_options.hpp"
#include "sim/common/error.hpp"
#include "sim/common/text_file.hpp"
#include "sim/engine/isolated_run.hpp"
#include "sim/request/run_options.hpp"

namespace dnnsim::cli {

void add_simulate_command(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  auto sim = std::make_shared<SimOptions>();
  CLI::App* cmd = app.add_subcommand(
      "simulate",
      "Replay one training iteration in SimGrid: contention, collective algorithms, "
      "placement and overlap");
  options->load_xml_platform = load_simgrid_xml_platform;
  add_run_options(*cmd, *options);
  add_sim_options(*cmd, *sim);
  cmd->callback([options, sim] {
    if (same_output(sim->trace, options->output)) {
      throw InputError(sim->trace, std::nullopt, "--trace",
                       "--trace and --output name the same file; give each its own");
    }
    const RunRequest req = make_request(*options);
    const ReplayOptions replay = make_replay_options(*sim);
    if (!req.grid_all) {
      // One simulation needs no process of its own (SimGrid's engine is one per process,
      // docs/design.md "Beyond one machine"), and a child costs about 2 ms of a 40 ms run. A user's
      // SimGrid XML platform still gets one: on a platform missing a route SimGrid 3.32
      // aborts the process, and the parent turns that into an error message.
      const Result r =
          req.platform.simgrid_xml.empty()
              ? simulate(req.network, req.platform, req.plans.front(), req.batch, replay)
              : simulate_in_child(req.network, req.platform, req.plans.front(), req.batch, replay);
      emit(options->output, render_result(r, req.network, req.format));
      return;
    }
    if (!replay.trace_file.empty()) {
      throw InputError("", std::nullopt, "--trace", "--trace records one run; pick one --grid");
    }
    std::vector<GridRow> rows;
    for (const Plan& plan : req.plans) {
      GridRow row{plan.grid, std::nullopt, {}};
      try {
        row.result = simulate_in_child(req.network, req.platform, plan, req.batch, replay);
      } catch (const LimitError& e) {
        row.violation = e.what();
      }
      rows.push_back(std::move(row));
    }
    emit(options->output, render_grid_rows(rows, req, "simgrid"));
  });
}

}  // namespace dnnsim::cli
