#include "sim/strategy/plan_loader.hpp"

#include <array>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/common/suggest.hpp"
#include "sim/common/yaml_map.hpp"

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

}  // namespace

Plan parse_plan(const YAML::Node& root, const std::string& file, const Network& network) {
  const YamlMap top(root, file, "");
  top.require_known_keys({"workload", "procs", "grid", "strategy", "sequence_parallel", "layers"});
  if (top.has("workload") && top.string("workload") != network.name) {
    top.fail("workload", fmt::format("this plan is for workload '{}', not '{}'",
                                     top.string("workload"), network.name));
  }
  const std::int64_t procs = top.positive_int("procs");
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
