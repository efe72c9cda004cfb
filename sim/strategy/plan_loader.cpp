#include "sim/strategy/plan_loader.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/common/suggest.hpp"
#include "sim/common/yaml_map.hpp"
#include "sim/strategy/stage_cuts.hpp"

namespace dnnsim {
namespace {

ProcessGrid read_grid(const YamlMap& map, std::string_view key, std::int64_t procs) {
  const std::string text = map.string(key);
  const auto grid = parse_grid(text);
  if (!grid) map.fail(key, fmt::format("expected a grid PRxPC such as 8x64, got '{}'", text));
  if (grid->procs() != procs) {
    map.fail(key,
             fmt::format("grid {} has {} processes, but procs = {}", text, grid->procs(), procs));
  }
  return *grid;
}

Kind read_kind(const YamlMap& map, std::string_view key) {
  const std::string text = map.string(key);
  const auto kind = kind_from_string(text);
  if (!kind) map.fail(key, unknown_name("kind", text, kKindNames));
  return *kind;
}

// A layer's grid must agree with its kind: batch is 1 x P, model P x 1.
void check_kind_grid(const YamlMap& map, std::string_view key, Kind kind, ProcessGrid grid,
                     std::int64_t procs) {
  if (kind == Kind::batch && grid.pr != 1) {
    map.fail(key, fmt::format("kind batch is the grid 1x{}, got {}", procs, grid.to_string()));
  }
  if (kind == Kind::model && grid.pc != 1) {
    map.fail(key, fmt::format("kind model is the grid {}x1, got {}", procs, grid.to_string()));
  }
}

void read_pipeline(const YamlMap& pipe, const Network& network, std::int64_t stages, Plan& plan) {
  Schedule schedule;
  if (pipe.has("schedule")) {
    const auto parsed = parse_schedule(pipe.string("schedule"));
    if (!parsed) {
      pipe.fail("schedule", fmt::format("expected gpipe, 1f1b or interleaved:V, got '{}'",
                                        pipe.string("schedule")));
    }
    schedule = *parsed;
  }
  const std::int64_t microbatches =
      pipe.has("microbatches") ? pipe.positive_int("microbatches") : 1;
  if (const std::string problem = schedule_problem(schedule, stages, microbatches);
      !problem.empty()) {
    pipe.fail("schedule", problem);
  }
  plan.pipeline.stages = stages;
  plan.pipeline.microbatches = microbatches;
  plan.pipeline.schedule = schedule;
  if (!pipe.has("first_layers")) {
    try {
      plan.pipeline = make_pipeline(network, stages, microbatches, schedule);
    } catch (const InputError& e) {
      pipe.fail("stages", e.detail());
    }
    return;
  }
  const YAML::Node list = pipe.node("first_layers");
  std::vector<std::string> first;
  if (list.IsSequence()) {
    for (const auto& item : list) {
      if (item.IsScalar()) first.push_back(item.Scalar());
    }
  }
  const auto pieces = static_cast<std::size_t>(stages * schedule.chunks);
  if (!list.IsSequence() || first.size() != list.size() || first.size() + 1 != pieces) {
    pipe.fail("first_layers",
              fmt::format("expected a list of {} layer names: the first layer of every stage "
                          "(every chunk, interleaved) after the first",
                          pieces - 1));
  }
  plan.pipeline.piece = named_cuts(network, first, pipe.file(), pipe.key_path("first_layers"));
}

}  // namespace

Plan parse_plan(const YAML::Node& root, const std::string& file, const Network& network) {
  const YamlMap top(root, file, "");
  top.require_known_keys({"workload", "procs", "grid", "strategy", "sequence_parallel", "pipeline",
                          "zero", "recompute", "bucket_bytes", "layers"});
  if (top.has("workload") && top.string("workload") != network.name) {
    top.fail("workload", fmt::format("this plan is for workload '{}', not '{}'",
                                     top.string("workload"), network.name));
  }
  const std::int64_t all_procs = top.positive_int("procs");
  // docs/plans.md: with pipeline stages, `procs` counts them all and `grid` is a stage's.
  std::int64_t stages = 1;
  std::optional<YamlMap> pipe;
  if (top.has("pipeline")) {
    pipe.emplace(top.node("pipeline"), file, "pipeline");
    pipe->require_known_keys({"stages", "microbatches", "schedule", "first_layers"});
    stages = pipe->positive_int("stages");
    if (all_procs % stages != 0) {
      pipe->fail("stages", fmt::format("{} stages do not divide procs = {}", stages, all_procs));
    }
  }
  const std::int64_t procs = all_procs / stages;
  const std::string strategy_name = top.string("strategy");
  const auto strategy = strategy_from_string(strategy_name);
  if (!strategy) top.fail("strategy", unknown_name("strategy", strategy_name, kStrategyNames));
  ProcessGrid grid{1, procs};
  if (*strategy == Strategy::model) grid = {procs, 1};
  if (top.has("grid")) {
    grid = read_grid(top, "grid", procs);
  } else if (*strategy != Strategy::batch && *strategy != Strategy::model) {
    top.fail("grid", fmt::format("is missing; strategy {} needs a grid PRxPC", strategy_name));
  }
  Plan plan;
  try {
    plan = uniform_plan(network, *strategy, grid);
  } catch (const InputError& e) {
    top.fail("grid", e.detail());
  }
  plan.strategy = Strategy::plan;
  if (top.has("sequence_parallel")) plan.sequence_parallel = top.boolean("sequence_parallel");
  if (pipe) read_pipeline(*pipe, network, stages, plan);
  plan.procs = all_procs;
  if (top.has("zero")) {
    const std::int64_t zero = top.non_negative_int("zero");
    if (zero > 3) top.fail("zero", fmt::format("expected a ZeRO stage 0 to 3, got {}", zero));
    plan.zero = static_cast<int>(zero);
  }
  if (top.has("recompute")) {
    const auto recompute = recompute_from_string(top.string("recompute"));
    if (!recompute) {
      top.fail("recompute",
               unknown_name("recomputation", top.string("recompute"), kRecomputeNames));
    }
    plan.recompute = *recompute;
  }
  if (top.has("bucket_bytes")) {
    plan.bucket_bytes = static_cast<double>(top.non_negative_int("bucket_bytes"));
  }

  if (!top.has("layers")) return plan;
  const YamlMap layers(top.node("layers"), file, "layers");
  std::vector<std::string_view> names;
  for (const auto& layer : network.layers) names.push_back(layer.name);
  for (const auto& entry : layers.self()) {
    if (!entry.first.IsScalar()) {
      throw InputError(file, line_of(entry.first), "layers",
                       "expected layer names as keys, got a list or a mapping");
    }
    const std::string name = entry.first.Scalar();
    const std::size_t i = network.find(name);
    if (i == network.layers.size()) {
      throw InputError(file, line_of(entry.first), fmt::format("layers.{}", excerpt(name)),
                       fmt::format("workload '{}' has no layer '{}'{}", network.name, excerpt(name),
                                   did_you_mean(name, names)));
    }
    const Layer& layer = network.layers[i];
    if (!takes_kind(layer.type)) {
      throw InputError(file, line_of(entry.first), fmt::format("layers.{}", name),
                       fmt::format("a {} layer keeps its input's kind and grid; only conv2d, "
                                   "linear, maxpool and avgpool layers take a kind",
                                   to_string(layer.type)));
    }
    LayerPlan lp{Kind::integrated, grid};
    if (entry.second.IsScalar()) {
      const auto kind = kind_from_string(entry.second.Scalar());
      if (!kind) {
        throw InputError(file, line_of(entry.second), fmt::format("layers.{}", name),
                         unknown_name("kind", entry.second.Scalar(), kKindNames));
      }
      lp.kind = *kind;
      lp.grid = grid_of(lp.kind, grid, procs);
    } else {
      const YamlMap spec(entry.second, file, fmt::format("layers.{}", name));
      spec.require_known_keys({"kind", "grid"});
      lp.kind = read_kind(spec, "kind");
      lp.grid = spec.has("grid") ? read_grid(spec, "grid", procs) : grid_of(lp.kind, grid, procs);
      if (spec.has("grid")) check_kind_grid(spec, "grid", lp.kind, lp.grid, procs);
    }
    if ((lp.kind == Kind::column || lp.kind == Kind::row) && !takes_tensor_kind(layer.type)) {
      throw InputError(file, line_of(entry.second), fmt::format("layers.{}", name),
                       fmt::format("kinds column and row split linear layers and embeddings, "
                                   "not a {} layer",
                                   to_string(layer.type)));
    }
    plan.layers[i] = lp;
  }
  return plan;
}

Plan load_plan(const std::string& path, const Network& network) {
  return parse_plan(load_yaml_file(path, "plan"), path, network);
}

std::string plan_to_yaml(const Plan& plan, const Network& network) {
  std::string out;
  out += fmt::format("workload: {}\nprocs: {}\ngrid: {}\nstrategy: {}\n", network.name, plan.procs,
                     plan.grid.to_string(), to_string(plan.base));
  if (plan.sequence_parallel) out += "sequence_parallel: true\n";
  if (plan.pipeline.active()) {
    const PipelinePlan& p = plan.pipeline;
    out += fmt::format("pipeline:\n  stages: {}\n  microbatches: {}\n  schedule: {}\n", p.stages,
                       p.microbatches, to_string(p.schedule));
    const std::vector<std::size_t> ends = boundary_layers(network, p.piece);
    if (!ends.empty()) {
      out += "  first_layers: [";
      for (std::size_t k = 0; k < ends.size(); ++k) {
        // The layer after the boundary, in topological order.
        const auto at = std::find(network.topo_order.begin(), network.topo_order.end(), ends[k]);
        out += fmt::format("{}{}", k == 0 ? "" : ", ", network.layers[*(at + 1)].name);
      }
      out += "]\n";
    }
  }
  if (plan.zero > 0) out += fmt::format("zero: {}\n", plan.zero);
  if (plan.recompute != Recompute::none) {
    out += fmt::format("recompute: {}\n", to_string(plan.recompute));
  }
  if (plan.bucket_bytes > 0.0) out += fmt::format("bucket_bytes: {}\n", plan.bucket_bytes);
  out += "layers:\n";
  for (std::size_t i = 0; i < network.layers.size(); ++i) {
    if (!takes_kind(network.layers[i].type)) continue;
    const LayerPlan& lp = plan.layers[i];
    out += fmt::format("  {}: {{kind: {}, grid: {}}}\n", network.layers[i].name, to_string(lp.kind),
                       grid_of(lp.kind, lp.grid, plan.stage_procs()).to_string());
  }
  return out;
}

}  // namespace dnnsim
