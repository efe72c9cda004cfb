// `dnnsim optimize`: the fastest way to split a network over P processes that fits in
// memory: the paper's per-layer kinds on 2-D grids, and every split of Pr x Pc x Pp,
// microbatches, schedule, ZeRO stage, recomputation and sequence parallelism.

#include <algorithm>
#include <array>
#include <memory>

#include <fmt/format.h>

#include "sim/cli/commands.hpp"
#include "sim/cli/optimize_output.hpp"
#include "sim/cli/progress.hpp"
#include "sim/cli/sim_options.hpp"
#include "sim/common/error.hpp"
#include "sim/common/suggest.hpp"
#include "sim/common/text_file.hpp"
#include "sim/common/units.hpp"
#include "sim/engine/isolated_run.hpp"
#include "sim/model/analytic_model.hpp"
#include "sim/platform/platform_loader.hpp"
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
  bool kinds_only = false;
  std::string engine = "analytic";
  std::int64_t top = 3;
  std::string format = "table";
  std::string output;  ///< the plan file
  std::string optimizer;
  bool sequence_parallel = false;
  std::optional<std::int64_t> microbatches;
  std::string schedule;
  std::optional<std::int64_t> zero;
  std::string recompute;
  std::optional<std::int64_t> bucket_bytes;
};

/// The choices the options fix (the others are searched). Throws InputError.
SplitAxes fixed_axes(const OptimizeOptions& o) {
  SplitAxes axes;
  if (!o.grid.empty()) {
    const auto g = parse_pipeline_grid(o.grid);
    if (!g || g->procs() != o.procs) {
      throw InputError("", std::nullopt, "--grid",
                       fmt::format("expected PRxPC or PRxPCxPP with a product of {}, got '{}'",
                                   o.procs, o.grid));
    }
    axes.grid = *g;
  }
  axes.microbatches = o.microbatches;
  if (!o.schedule.empty()) axes.schedule = schedule_option(o.schedule);
  if (o.zero) axes.zero = static_cast<int>(*o.zero);
  if (!o.recompute.empty()) axes.recompute = recompute_option(o.recompute);
  if (o.sequence_parallel) axes.sequence_parallel = true;
  axes.bucket_bytes = static_cast<double>(o.bucket_bytes.value_or(0));
  return axes;
}

/// Whether the per-layer search (one stage, one microbatch) is inside the fixed choices.
bool kinds_allowed(const SplitAxes& axes) {
  return (!axes.grid || axes.grid->stages == 1) && axes.microbatches.value_or(1) == 1 &&
         (!axes.schedule || axes.schedule->kind != ScheduleKind::interleaved);
}

/// --engine simgrid: SimGrid re-times the answer and the runners-up the analytic engine
/// ranks best, and the fastest in SimGrid becomes the answer; the best uniform strategy
/// shown is the fastest in SimGrid of the --top analytic ones, with its own simulated time.
void retime(const OptimizeOptions& o, const Network& net, const Platform& platform,
            std::int64_t batch, const ReplayOptions& replay, const SplitAxes& axes,
            OptimizeReport& report) {
  const auto top = static_cast<std::size_t>(o.top);
  struct Candidate {
    std::string label;
    Plan plan;
    std::optional<std::size_t> outcome;  ///< a split: its index in the search's outcomes
  };
  std::vector<Candidate> candidates;
  if (report.kinds && (report.kinds_fit || !report.splits)) {
    candidates.push_back({"the per-layer plan", report.kinds->plan, std::nullopt});
  }
  if (report.splits) {
    std::vector<std::size_t> order;
    for (std::size_t k = 0; k < report.splits->outcomes.size(); ++k) {
      if (report.splits->outcomes[k].fits) order.push_back(k);
    }
    const auto& outcomes = report.splits->outcomes;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return better(outcomes[a], outcomes[b]);
    });
    // Ties in the analytic engine (ZeRO 0, 1 and 2 often) are one candidate: the first,
    // which uses the least memory.
    order.erase(std::unique(order.begin(), order.end(),
                            [&](std::size_t a, std::size_t b) {
                              return outcomes[a].iteration_s == outcomes[b].iteration_s;
                            }),
                order.end());
    if (order.size() > top) order.resize(top);
    for (const std::size_t k : order) {
      Plan plan = split_plan(net, outcomes[k].split, axes.bucket_bytes);
      plan.strategy = Strategy::plan;
      candidates.push_back({describe(outcomes[k].split), std::move(plan), k});
    }
  }
  AnalyticModel model(net, platform);
  std::optional<std::size_t> fastest;
  std::vector<Result> results;
  for (std::size_t c = 0; c < candidates.size(); ++c) {
    results.push_back(simulate_in_child(net, platform, candidates[c].plan, batch, replay));
    report.retimed.push_back({candidates[c].label, model.run(candidates[c].plan, batch).iteration_s,
                              results.back().iteration_s});
    if (!fastest || results.back().iteration_s < results[*fastest].iteration_s) fastest = c;
  }
  if (fastest) {
    report.plan = candidates[*fastest].plan;
    report.result = results[*fastest];
    report.split_won = candidates[*fastest].outcome.has_value();
    if (report.split_won) {
      report.splits->best = *candidates[*fastest].outcome;  // the fastest in SimGrid
      report.runners_up = runners_up(*report.splits, top);
    }
  }
  if (report.kinds) {
    std::optional<UniformCandidate> best_uniform;
    for (std::size_t k = 0; k < report.kinds->uniform.size() && k < top; ++k) {
      UniformCandidate u = report.kinds->uniform[k];
      u.iteration_s = simulate_in_child(net, platform,
                                        uniform_plan(net, u.strategy, u.grid, o.sequence_parallel),
                                        batch, replay)
                          .iteration_s;
      if (!best_uniform || u.iteration_s < best_uniform->iteration_s) best_uniform = u;
    }
    report.uniform = best_uniform;
  }
}

}  // namespace

void add_optimize_command(CLI::App& app) {
  auto o = std::make_shared<OptimizeOptions>();
  auto sim = std::make_shared<SimOptions>();
  CLI::App* cmd = app.add_subcommand(
      "optimize",
      "The fastest split that fits: per-layer kinds, grid, stages, microbatches, "
      "schedule, ZeRO, recomputation");
  cmd->add_option("workload", o->workload, "Workload YAML file or preset name")->required();
  cmd->add_option("--platform", o->platform, "Platform YAML file or preset name")->required();
  add_integer_option(*cmd, "--procs,-P", o->procs, "Number of processes P")->required();
  add_integer_option(*cmd, "--batch,-B", o->batch, "Mini-batch size (default: the workload's)");
  cmd->add_option("--grid", o->grid,
                  "Keep this grid, PRxPC (one stage) or PRxPCxPP (default: search them all)");
  cmd->add_flag("--per-layer-grids", o->per_layer_grids,
                "Let every layer pick its own grid (grid changes cost what docs/model.md says)");
  cmd->add_flag("--kinds-only", o->kinds_only,
                "Search the per-layer kinds on 2-D grids only (no stages, microbatches, ZeRO or "
                "recomputation)");
  cmd->add_option("--engine", o->engine, "analytic | simgrid (re-times the top candidates)")
      ->default_str("analytic");
  add_integer_option(*cmd, "--top", o->top,
                     "Runners-up shown per choice, and candidates SimGrid re-times")
      ->default_str("3");
  cmd->add_option("--format", o->format, "table | json")->default_str("table");
  cmd->add_option("--output,-o", o->output, "Write the answer as a plan file (YAML)");
  cmd->add_flag("--sequence-parallel", o->sequence_parallel,
                "Every plan tried with sequence parallelism (docs/model.md)");
  cmd->add_option("--optimizer", o->optimizer,
                  "sgd | momentum | adam (default: the workload's optimizer:, else sgd)");
  add_integer_option(*cmd, "--microbatches", o->microbatches, "Keep this many microbatches");
  cmd->add_option("--schedule", o->schedule, "Keep this schedule: gpipe | 1f1b | interleaved:V");
  add_integer_option(*cmd, "--zero", o->zero, "Keep this ZeRO stage (0-3)", 0, 3);
  cmd->add_option("--recompute", o->recompute, "Keep this recomputation: none | selective | full");
  add_integer_option(*cmd, "--bucket-bytes", o->bucket_bytes,
                     "Gradient buckets of at least N bytes in every plan (default 0)", 0,
                     kMaxInteger);
  add_sim_options(*cmd, *sim);
  cmd->callback([o, sim] {
    constexpr std::array<std::string_view, 2> kFormats{"table", "json"};
    if (o->format != "table" && o->format != "json") {
      throw InputError("", std::nullopt, "--format", unknown_name("format", o->format, kFormats));
    }
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
    const SplitAxes axes = fixed_axes(*o);
    if (o->kinds_only && !kinds_allowed(axes)) {
      throw InputError("", std::nullopt, "--kinds-only",
                       "the per-layer search runs one stage of one microbatch; drop the stages, "
                       "--microbatches or --schedule");
    }
    Network net = load_network(resolve_preset(o->workload, "workloads"));
    apply_optimizer(o->optimizer, net);
    if (axes.recompute) check_recompute(net, *axes.recompute);
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

    OptimizeReport report;
    report.network = &net;
    report.platform = &platform;
    report.procs = o->procs;
    report.batch = batch;
    Progress progress(0, "optimize", "steps", stderr_progress_style(false));
    const auto tick = [&progress](std::size_t done, std::size_t total) {
      progress.set_total(total);
      progress.set(done);
    };

    // The paper's search: per-layer kinds on 2-D grids, one stage of one microbatch.
    if (kinds_allowed(axes) && (!axes.grid || axes.grid->stages == 1)) {
      SearchOptions search;
      search.procs = o->procs;
      search.sequence_parallel = o->sequence_parallel;
      if (axes.grid) {
        search.grids = GridChoice::fixed;
        search.fixed_grid = axes.grid->grid;
      } else if (o->per_layer_grids) {
        search.grids = GridChoice::per_layer;
      }
      search.progress = tick;
      Optimization kinds = optimize(net, platform, batch, search);
      Split one_stage;  // the per-layer plan's ZeRO stage, recomputation and buckets
      one_stage.zero = axes.zero.value_or(0);
      one_stage.recompute = axes.recompute.value_or(Recompute::none);
      apply_split(net, one_stage, axes.bucket_bytes, kinds.plan);
      AnalyticModel model(net, platform);
      kinds.result = model.run(kinds.plan, batch);
      report.kinds_fit = !kinds.result.exceeds_memory();
      if (!kinds.uniform.empty()) report.uniform = kinds.uniform.front();
      report.kinds = std::move(kinds);
    }
    if (!o->kinds_only) {
      report.splits = search_splits(net, platform, o->procs, batch, axes, tick);
      report.runners_up = runners_up(*report.splits, static_cast<std::size_t>(o->top));
    }
    progress.done();

    // The answer: the per-layer plan, unless the best split is faster or it does not fit.
    const std::optional<std::size_t> best = report.splits ? report.splits->best : std::nullopt;
    const SplitOutcome* split = best ? &report.splits->outcomes[*best] : nullptr;
    if (report.kinds &&
        (!split || (report.kinds_fit && report.kinds->result.iteration_s <= split->iteration_s))) {
      report.plan = report.kinds->plan;
      report.result = report.kinds->result;
    } else if (split) {
      report.split_won = true;
      report.plan = split_plan(net, split->split, axes.bucket_bytes);
      report.plan.strategy = Strategy::plan;
      report.result = AnalyticModel(net, platform).run(report.plan, batch);
    } else {
      throw InputError(
          "", std::nullopt, "--procs",
          fmt::format("no split of {} on {} processes both keeps the model's limits "
                      "and fits in {} per process",
                      net.name, o->procs, human_bytes(platform.node.memory_bytes.value_or(0.0))));
    }

    if (o->engine == "simgrid") {
      report.engine = "simgrid";
      retime(*o, net, platform, batch, replay, axes, report);
    }
    report.result.strategy = Strategy::plan;
    if (!o->output.empty()) emit(o->output, plan_to_yaml(report.plan, net));
    emit("", o->format == "json" ? render_json(report) : render_table(report));
  });
}

}  // namespace dnnsim::cli
