#include "sim/request/run_options.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>

#include <fmt/format.h>

#include "sim/common/bounds.hpp"
#include "sim/common/error.hpp"
#include "sim/common/suggest.hpp"
#include "sim/common/text_file.hpp"
#include "sim/platform/platform_loader.hpp"
#include "sim/request/integer_option.hpp"
#include "sim/request/presets.hpp"
#include "sim/strategy/plan_loader.hpp"
#include "sim/workload/network_loader.hpp"
#include "sim/workload/transformer_form.hpp"

namespace dnnsim {

void add_run_options(CLI::App& command, RunOptions& o, bool platform_required) {
  add_plan_options(command, o);
  auto* platform = command.add_option("--platform", o.platform,
                                      "Platform YAML file or preset name (e.g. crossbar)");
  if (platform_required) platform->required();
}

void add_plan_options(CLI::App& command, RunOptions& o) {
  command.add_option("workload", o.workload, "Workload YAML file or preset name (e.g. alexnet)")
      ->required();
  add_integer_option(command, "--procs,-P", o.procs, "Number of processes P");
  command.add_option("--grid", o.grid,
                     "Process grid PRxPC (e.g. 8x64), PRxPCxPP with PP pipeline stages, or "
                     "'all' for every factorization of P");
  command.add_option("--strategy", o.strategy,
                     "batch | model | integrated | domain | hybrid | tensor (default with "
                     "--grid: integrated)");
  command.add_option("--plan", o.plan_file, "Plan file naming a kind (and grid) per layer");
  add_integer_option(command, "--batch,-B", o.batch, "Mini-batch size (default: the workload's)");
  command.add_option("--format", o.format, "table | json | csv")->default_str("table");
  command.add_option("--optimizer", o.optimizer,
                     "sgd | momentum | adam: the state it keeps per parameter (default: the "
                     "workload's optimizer:, else sgd)");
  command.add_option("--output,-o", o.output, "Write the result to this file instead of stdout");
  command.add_flag("--sequence-parallel", o.sequence_parallel,
                   "Norms, dropout and residuals between tensor-parallel layers on T / Pr tokens");
  add_integer_option(command, "--microbatches", o.microbatches,
                     "Microbatches per replica and iteration (default 1; more than 1 with one "
                     "stage is gradient accumulation)");
  command.add_option("--schedule", o.schedule,
                     "Pipeline schedule: gpipe | 1f1b | interleaved:V (default 1f1b)");
  add_integer_option(command, "--zero", o.zero,
                     "ZeRO stage: 0 none, 1 optimizer state, 2 also gradients, 3 also weights, "
                     "sharded over the Pc processes of a row (default 0)",
                     0, 3);
  add_integer_option(command, "--bucket-bytes", o.bucket_bytes,
                     "Reduce weight gradients in buckets of at least N bytes, in backward order "
                     "(default 0: one collective per layer; PyTorch DDP uses 25 MB)",
                     0, kMaxInteger);
  command.add_option("--recompute", o.recompute,
                     "none | selective (attention scores) | full (every transformer block) "
                     "(default none)");
}

Format parse_format(const std::string& text) {
  if (text == "table") return Format::table;
  if (text == "json") return Format::json;
  if (text == "csv") return Format::csv;
  constexpr std::array<std::string_view, 3> kFormats{"table", "json", "csv"};
  throw InputError("", std::nullopt, "--format", unknown_name("format", text, kFormats));
}

RunRequest make_request(const RunOptions& o) {
  RunRequest req;
  req.format = parse_format(o.format);
  require_writable_output(o.output, "--output");
  req.network = load_network(resolve_preset(o.workload, "workloads"));
  apply_optimizer(o.optimizer, req.network);
  if (o.platform.ends_with(".xml")) {
    if (!o.load_xml_platform) {
      throw InputError(o.platform, std::nullopt, "--platform",
                       "a SimGrid XML platform has no alpha, beta or flops for this command; "
                       "use a YAML platform (XML platforms work with simulate and "
                       "optimize --engine simgrid)");
    }
    req.platform = o.load_xml_platform(resolve_preset(o.platform, "platforms"));
  } else if (!o.platform.empty()) {
    req.platform = load_platform(resolve_preset(o.platform, "platforms"));
  } else {
    req.platform.name = "none";
    req.platform.nodes = std::numeric_limits<std::int64_t>::max();
  }
  req.batch = o.batch.value_or(req.network.batch);

  req.plans = make_plans(o, req.network, req.grid_all);

  for (const Plan& plan : req.plans) {
    // docs/model.md: a microbatch b = B / (Pc m) is a real division, at least one sample.
    const double b = static_cast<double>(req.batch) /
                     static_cast<double>(plan.grid.pc * plan.pipeline.microbatches);
    if (plan.pipeline.microbatches > 1 && b < 1.0) {
      throw InputError("", std::nullopt, "--microbatches",
                       fmt::format("{} microbatches of B / Pc = {} / {} samples leave {:.3g} "
                                   "samples per microbatch; it must be at least 1",
                                   plan.pipeline.microbatches, req.batch, plan.grid.pc, b));
    }
  }
  const std::int64_t procs = req.plans.front().procs;
  if (procs > req.platform.hosts()) {
    throw InputError(req.platform.file, std::nullopt,
                     req.platform.simgrid_xml.empty() ? "nodes" : "",
                     fmt::format("P = {} processes, but platform '{}' has {} hosts", procs,
                                 req.platform.name, req.platform.hosts()));
  }
  return req;
}

namespace {

// docs/model.md, "Pipeline parallelism": Pp stages of the plan's grid, m microbatches.
void apply_pipeline(const RunOptions& o, const Network& network, std::int64_t stages,
                    std::vector<Plan>& plans) {
  const Schedule schedule = o.schedule.empty() ? Schedule{} : schedule_option(o.schedule);
  const std::int64_t microbatches = o.microbatches.value_or(1);
  if (microbatches < 1) {
    throw InputError("", std::nullopt, "--microbatches",
                     fmt::format("expected at least 1, got {}", microbatches));
  }
  if (stages == 1 && microbatches == 1 && schedule.kind != ScheduleKind::interleaved) return;
  const PipelinePlan pipeline = make_pipeline(network, stages, microbatches, schedule);
  for (Plan& plan : plans) {
    plan.pipeline = pipeline;
    plan.procs *= stages;
  }
}

// docs/model.md, "Sharded data parallelism" and "Recomputation".
void apply_memory_options(const RunOptions& o, const Network& network, std::vector<Plan>& plans) {
  const std::int64_t zero = o.zero.value_or(0);  // 0 to 3, checked by the option
  const Recompute recompute = o.recompute.empty() ? Recompute::none : recompute_option(o.recompute);
  check_recompute(network, recompute);
  for (Plan& plan : plans) {
    plan.zero = static_cast<int>(zero);
    plan.recompute = recompute;
    plan.bucket_bytes = static_cast<double>(o.bucket_bytes.value_or(0));
  }
}

}  // namespace

Schedule schedule_option(const std::string& text) {
  const auto parsed = parse_schedule(text);
  if (!parsed) {
    throw InputError("", std::nullopt, "--schedule",
                     fmt::format("expected gpipe, 1f1b or interleaved:V (V >= 2 chunks per "
                                 "stage), got '{}'",
                                 text));
  }
  return *parsed;
}

Recompute recompute_option(const std::string& text) {
  const auto parsed = recompute_from_string(text);
  if (!parsed) {
    throw InputError("", std::nullopt, "--recompute",
                     unknown_name("recomputation", text, kRecomputeNames));
  }
  return *parsed;
}

void check_recompute(const Network& network, Recompute recompute) {
  const auto has = [&](auto&& pred) {
    return std::any_of(network.layers.begin(), network.layers.end(), pred);
  };
  if (recompute == Recompute::full &&
      !has([](const Layer& l) { return transformer_block(l.name).has_value(); })) {
    throw InputError("", std::nullopt, "--recompute",
                     fmt::format("full recomputation reruns transformer blocks (block<i>.*), and "
                                 "{} has none",
                                 network.name));
  }
  if (recompute == Recompute::selective &&
      !has([](const Layer& l) { return l.type == LayerType::attention; })) {
    throw InputError(
        "", std::nullopt, "--recompute",
        fmt::format("selective recomputation reruns attention, and {} has none", network.name));
  }
}

std::vector<Plan> make_plans(const RunOptions& o, const Network& network, bool& grid_all) {
  std::vector<Plan> plans;
  grid_all = false;
  if (!o.plan_file.empty()) {
    if (!o.grid.empty() || !o.strategy.empty()) {
      throw InputError("", std::nullopt, "--plan",
                       "a plan file sets the grid and the kinds; drop --grid and --strategy");
    }
    Plan plan = load_plan(o.plan_file, network);
    if (o.procs && *o.procs != plan.procs) {
      throw InputError(
          o.plan_file, std::nullopt, "procs",
          fmt::format("the plan is for {} processes, --procs says {}", plan.procs, *o.procs));
    }
    plans.push_back(std::move(plan));
  } else {
    if (o.strategy.empty() && o.grid.empty()) {
      throw InputError("", std::nullopt, "--strategy",
                       "say how to split the work: --strategy batch|model|integrated|domain|"
                       "hybrid|tensor (with --grid PRxPC or --grid all), or --plan FILE");
    }
    Strategy strategy = Strategy::integrated;
    if (!o.strategy.empty()) {
      const auto parsed = strategy_from_string(o.strategy);
      if (!parsed) {
        throw InputError("", std::nullopt, "--strategy",
                         unknown_name("strategy", o.strategy, kStrategyNames));
      }
      strategy = *parsed;
    }
    const bool fixed = strategy == Strategy::batch || strategy == Strategy::model;
    std::vector<ProcessGrid> grids;
    std::int64_t stages = 1;
    if (o.grid == "all") {
      if (fixed) {
        throw InputError("", std::nullopt, "--grid",
                         fmt::format("--grid all compares grids; {} has only one ({}), use "
                                     "--strategy integrated, domain or hybrid",
                                     o.strategy, strategy == Strategy::batch ? "1xP" : "Px1"));
      }
      if (!o.procs) throw InputError("", std::nullopt, "--procs", "--grid all needs --procs P");
      grids = factorizations(*o.procs);
      grid_all = true;
    } else if (!o.grid.empty()) {
      const auto grid = parse_pipeline_grid(o.grid);
      if (!grid) {
        throw InputError(
            "", std::nullopt, "--grid",
            fmt::format("expected PRxPC (e.g. 8x64), PRxPCxPP or 'all', got '{}'", o.grid));
      }
      if (o.procs && grid->procs() != *o.procs) {
        throw InputError("", std::nullopt, "--grid",
                         fmt::format("grid {} has {} processes, but --procs is {}", o.grid,
                                     grid->procs(), *o.procs));
      }
      grids.push_back(grid->grid);
      stages = grid->stages;
    } else if (fixed) {
      if (!o.procs) throw InputError("", std::nullopt, "--procs", "--procs P is required");
      grids.push_back(strategy == Strategy::batch ? ProcessGrid{1, *o.procs}
                                                  : ProcessGrid{*o.procs, 1});
    } else {
      throw InputError("", std::nullopt, "--grid",
                       fmt::format("strategy {} needs --grid PRxPC or --grid all", o.strategy));
    }
    for (const ProcessGrid& grid : grids) plans.push_back(uniform_plan(network, strategy, grid));
    apply_pipeline(o, network, stages, plans);
  }
  if (o.sequence_parallel) {
    for (Plan& plan : plans) plan.sequence_parallel = true;
  }
  apply_memory_options(o, network, plans);

  return plans;
}

void apply_optimizer(const std::string& name, Network& network) {
  if (name.empty()) return;
  const auto optimizer = optimizer_from_string(name);
  if (!optimizer) {
    throw InputError("", std::nullopt, "--optimizer",
                     unknown_name("optimizer", name, kOptimizerNames));
  }
  network.optimizer = *optimizer;
}

void emit(const std::string& path, const std::string& text) {
  if (path.empty()) {
    std::cout << text << std::flush;
    return;
  }
  write_atomically(path, text, "--output");
}

}  // namespace dnnsim
