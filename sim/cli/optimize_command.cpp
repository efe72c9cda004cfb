// `dnnsim optimize`: the best kind (and grid) per layer, next to the best uniform strategy.

#include <array>
#include <memory>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <nlohmann/json.hpp>

#include "sim/cli/commands.hpp"
#include "sim/cli/progress.hpp"
#include "sim/cli/sim_options.hpp"
#include "sim/common/error.hpp"
#include "sim/common/suggest.hpp"
#include "sim/common/text_file.hpp"
#include "sim/engine/isolated_run.hpp"
#include "sim/optimizer/optimizer.hpp"
#include "sim/platform/platform_loader.hpp"
#include "sim/report/result_writers.hpp"
#include "sim/request/integer_option.hpp"
#include "sim/request/presets.hpp"
#include "sim/request/run_options.hpp"
#include "sim/strategy/plan_loader.hpp"
#include "sim/workload/network_loader.hpp"

namespace dnnsim::cli {
namespace {

struct OptimizeOptions {
  std::string workload;
  std::string platform;
  std::int64_t procs = 0;
  std::optional<std::int64_t> batch;
  std::string grid;
  bool per_layer_grids = false;
  std::string engine = "analytic";
  std::int64_t top = 3;
  std::string format = "table";
  std::string output;  ///< the plan file
  std::string optimizer;
  bool sequence_parallel = false;
};

struct Candidate {
  std::string label;
  Plan plan;
  double analytic_s = 0.0;
  double simulated_s = 0.0;
};

}  // namespace

void add_optimize_command(CLI::App& app) {
  auto o = std::make_shared<OptimizeOptions>();
  auto sim = std::make_shared<SimOptions>();
  CLI::App* cmd = app.add_subcommand(
      "optimize", "Best parallelism kind (and grid) per layer, counting layout changes");
  cmd->add_option("workload", o->workload, "Workload YAML file or preset name")->required();
  cmd->add_option("--platform", o->platform, "Platform YAML file or preset name")->required();
  add_integer_option(*cmd, "--procs,-P", o->procs, "Number of processes P")->required();
  add_integer_option(*cmd, "--batch,-B", o->batch, "Mini-batch size (default: the workload's)");
  cmd->add_option("--grid", o->grid,
                  "The grid of integrated and domain layers (default: the best single grid)");
  cmd->add_flag("--per-layer-grids", o->per_layer_grids,
                "Let every layer pick its own grid (grid changes cost what docs/model.md says)");
  cmd->add_option("--engine", o->engine, "analytic | simgrid (re-times the top candidates)")
      ->default_str("analytic");
  add_integer_option(*cmd, "--top", o->top, "Candidates SimGrid re-times with --engine simgrid")
      ->default_str("3");
  cmd->add_option("--format", o->format, "table | json")->default_str("table");
  cmd->add_option("--output,-o", o->output, "Write the plan as a plan file (YAML)");
  cmd->add_flag("--sequence-parallel", o->sequence_parallel,
                "Every plan tried with sequence parallelism (docs/model.md)");
  cmd->add_option("--optimizer", o->optimizer,
                  "sgd | momentum | adam (default: the workload's optimizer:, else sgd)");
  add_sim_options(*cmd, *sim);
  cmd->callback([o, sim] {
    constexpr std::array<std::string_view, 2> kFormats{"table", "json"};
    if (o->format != "table" && o->format != "json") {
      throw InputError("", std::nullopt, "--format", unknown_name("format", o->format, kFormats));
    }
    const Format format = parse_format(o->format);
    constexpr std::array<std::string_view, 2> kEngines{"analytic", "simgrid"};
    if (o->engine != "analytic" && o->engine != "simgrid") {
      throw InputError("", std::nullopt, "--engine", unknown_name("engine", o->engine, kEngines));
    }
    // The SimGrid options are checked even when only --engine simgrid reads them.
    const ReplayOptions replay = make_replay_options(*sim);
    if (!replay.trace_file.empty()) {
      throw InputError("", std::nullopt, "--trace",
                       "optimize times many candidates; record a trace with simulate --plan");
    }
    require_writable_output(o->output, "--output");
    if (!o->grid.empty() && o->per_layer_grids) {
      throw InputError("", std::nullopt, "--grid", "--grid fixes one grid; drop --per-layer-grids");
    }
    Network net = load_network(resolve_preset(o->workload, "workloads"));
    apply_optimizer(o->optimizer, net);
    // A SimGrid XML platform states no alpha, beta or flops: the search uses those read from
    // its first hosts (docs/platforms.md), and only SimGrid's times on the file itself count.
    const bool xml = o->platform.ends_with(".xml");
    if (xml && o->engine != "simgrid") {
      throw InputError(o->platform, std::nullopt, "--platform",
                       "a SimGrid XML platform has no alpha, beta or flops for the analytic "
                       "engine; add --engine simgrid");
    }
    const std::string platform_file = resolve_preset(o->platform, "platforms");
    const Platform platform =
        xml ? load_simgrid_xml_platform(platform_file) : load_platform(platform_file);
    const std::int64_t batch = o->batch.value_or(net.batch);
    if (o->procs > platform.hosts()) {
      throw InputError(platform.file, std::nullopt, "nodes",
                       fmt::format("P = {} processes, but platform '{}' has {} hosts", o->procs,
                                   platform.name, platform.hosts()));
    }

    SearchOptions search;
    search.procs = o->procs;
    search.sequence_parallel = o->sequence_parallel;
    if (!o->grid.empty()) {
      const auto g = parse_grid(o->grid);
      if (!g || g->procs() != o->procs) {
        throw InputError(
            "", std::nullopt, "--grid",
            fmt::format("expected PRxPC with PR * PC = {}, got '{}'", o->procs, o->grid));
      }
      search.grids = GridChoice::fixed;
      search.fixed_grid = *g;
    } else if (o->per_layer_grids) {
      search.grids = GridChoice::per_layer;
    }
    Progress progress(0, "optimize", "steps", stderr_progress_style(false));
    search.progress = [&progress](std::size_t done, std::size_t total) {
      progress.set_total(total);
      progress.set(done);
    };
    const Optimization best = optimize(net, platform, batch, search);
    progress.done();

    Result result = best.result;
    // The best uniform strategy: the analytic engine's, or with --engine simgrid the fastest
    // in SimGrid of the --top analytic ones, named with its own simulated time.
    std::optional<UniformCandidate> uniform;
    if (!best.uniform.empty()) uniform = best.uniform.front();
    std::string engine = "analytic";
    if (o->engine == "simgrid") {
      engine = "simgrid";
      result = simulate_in_child(net, platform, best.plan, batch, replay);
      std::optional<UniformCandidate> fastest;
      for (std::size_t k = 0; k < best.uniform.size() && k < static_cast<std::size_t>(o->top);
           ++k) {
        UniformCandidate u = best.uniform[k];
        u.iteration_s =
            simulate_in_child(net, platform,
                              uniform_plan(net, u.strategy, u.grid, o->sequence_parallel), batch,
                              replay)
                .iteration_s;
        if (!fastest || u.iteration_s < fastest->iteration_s) fastest = u;
      }
      uniform = fastest;
    }
    result.strategy = Strategy::plan;

    std::ostringstream out;
    const auto layer_grid = [&](std::size_t i) {
      const LayerPlan& lp = best.plan.layers[i];
      return grid_of(lp.kind, lp.grid, best.plan.stage_procs());
    };
    if (format == Format::json) {
      nlohmann::ordered_json j = to_json(result, net);
      nlohmann::ordered_json plan = nlohmann::ordered_json::array();
      for (std::size_t i = 0; i < net.layers.size(); ++i) {
        if (!takes_kind(net.layers[i].type)) continue;
        plan.push_back({{"layer", net.layers[i].name},
                        {"kind", std::string(to_string(best.plan.layers[i].kind))},
                        {"grid", {{"pr", layer_grid(i).pr}, {"pc", layer_grid(i).pc}}}});
      }
      j["plan"] = plan;
      if (uniform) {
        j["best_uniform"] = {{"strategy", std::string(to_string(uniform->strategy))},
                             {"grid", {{"pr", uniform->grid.pr}, {"pc", uniform->grid.pc}}},
                             {"iteration_s", uniform->iteration_s}};
        j["speedup_over_uniform"] = uniform->iteration_s / result.iteration_s;
      } else {
        j["best_uniform"] = nullptr;
        j["speedup_over_uniform"] = nullptr;
      }
      j["uniform_won"] = best.uniform_won;
      const auto same = same_as_uniform(net, best.plan);
      j["same_as_uniform"] =
          same ? nlohmann::ordered_json(std::string(to_string(same->strategy))) : nullptr;
      out << j.dump(2) << '\n';
    } else {
      fmt::print(out, "{} on {}: P = {}, batch {}: best kind per layer ({})\n\n", net.name,
                 platform.name, o->procs, batch, engine);
      fmt::print(out, "{:<24} {:<12} {:>8} {:>12} {:>12}\n", "layer", "kind", "grid", "compute",
                 "comm");
      for (std::size_t i = 0; i < net.layers.size(); ++i) {
        if (!takes_kind(net.layers[i].type)) continue;
        const LayerResult& l = result.layers[i];
        fmt::print(out, "{:<24} {:<12} {:>8} {:>12} {:>12}\n", net.layers[i].name,
                   to_string(best.plan.layers[i].kind), layer_grid(i).to_string(),
                   human_seconds(l.compute_s), human_seconds(l.comm_s()));
      }
      fmt::print(out, "\noptimized plan: {} per iteration\n", human_seconds(result.iteration_s));
      if (uniform) {
        fmt::print(out, "best uniform:   {} : {} ({:.3g}x the optimized time)\n", label(*uniform),
                   human_seconds(uniform->iteration_s), uniform->iteration_s / result.iteration_s);
      } else {
        fmt::print(out, "best uniform:   none fits the model's limits on these grids\n");
      }
      if (const auto same = same_as_uniform(net, best.plan); same && !best.uniform_won) {
        fmt::print(out, "(the per-layer search found, layer by layer, the kinds of strategy {})\n",
                   label(*same));
      }
      if (best.uniform_won) {
        fmt::print(out,
                   "(on this layer graph the per-layer search found nothing better than the "
                   "best uniform strategy)\n");
      }
    }
    if (!o->output.empty()) emit(o->output, plan_to_yaml(best.plan, net));
    emit("", out.str());
  });
}

}  // namespace dnnsim::cli
