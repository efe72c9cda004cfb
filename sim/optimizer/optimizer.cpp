#include "sim/optimizer/optimizer.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/common/log.hpp"
#include "sim/model/analytic_model.hpp"
#include "sim/optimizer/layer_search.hpp"
#include "sim/optimizer/split_search.hpp"

namespace dnnsim {

std::optional<UniformCandidate> same_as_uniform(const Network& network, const Plan& plan) {
  std::optional<ProcessGrid> grid;
  for (std::size_t i = 0; i < network.layers.size(); ++i) {
    if (!takes_kind(network.layers[i].type)) continue;
    const ProcessGrid g = grid_of(plan.layers[i].kind, plan.layers[i].grid, plan.stage_procs());
    if (grid && !(*grid == g)) return std::nullopt;
    grid = g;
  }
  if (!grid) return std::nullopt;
  for (const Strategy strategy : distinct_strategies(*grid)) {
    const Plan uniform = uniform_plan(network, strategy, *grid);
    bool same = true;
    for (std::size_t i = 0; same && i < network.layers.size(); ++i) {
      same = !takes_kind(network.layers[i].type) || uniform.layers[i].kind == plan.layers[i].kind;
    }
    if (same) return UniformCandidate{strategy, *grid, 0.0};
  }
  return std::nullopt;
}

std::string label(const UniformCandidate& c) {
  return fmt::format("{} {}", to_string(c.strategy), c.grid.to_string());
}

Optimization optimize(const Network& network, const Platform& platform, std::int64_t batch,
                      const SearchOptions& options) {
  AnalyticModel model(network, platform);
  const std::int64_t procs = options.procs;
  const std::vector<ProcessGrid> all = factorizations(procs);

  // What the per-layer search runs on: one search per grid, or one over every grid.
  struct Search {
    std::vector<LayerPlan> choices;
    ProcessGrid default_grid;
  };
  std::vector<Search> searches;
  switch (options.grids) {
    case GridChoice::best_single:
      for (const ProcessGrid& g : all) searches.push_back({layer_choices(procs, {g}, true), g});
      break;
    case GridChoice::fixed:
      // Every layer keeps the grid asked for.
      searches.push_back({layer_choices(procs, {options.fixed_grid}, false), options.fixed_grid});
      break;
    case GridChoice::per_layer:
      searches.push_back({layer_choices(procs, all, true), all.front()});
      break;
  }
  const std::vector<ProcessGrid> uniform_grids =
      options.grids == GridChoice::fixed ? std::vector<ProcessGrid>{options.fixed_grid} : all;
  std::size_t uniform_count = 0;
  for (const ProcessGrid& g : uniform_grids) uniform_count += distinct_strategies(g).size();

  const std::size_t total = searches.size() * search_stages(network) + uniform_count;
  std::size_t done = 0;
  const auto tick = [&] {
    ++done;
    if (options.progress) options.progress(done, total);
  };

  const auto log = logger("optimizer");
  Optimization out;
  std::optional<Evaluation> best;
  for (const Search& search : searches) {
    const std::optional<Plan> plan =
        search_layers(model, network, batch, procs, search.choices, search.default_grid, tick,
                      options.sequence_parallel);
    if (!plan) {
      log->debug("search with default grid {} and {} choices per layer: no plan fits",
                 search.default_grid.to_string(), search.choices.size());
      continue;
    }
    Evaluation e = model.evaluate(*plan, batch);
    if (e.violation) continue;
    log->debug("search with default grid {} and {} choices per layer: {:.9g} s",
               search.default_grid.to_string(), search.choices.size(), e.result.iteration_s);
    if (!best || e.result.iteration_s < best->result.iteration_s) {
      out.plan = *plan;
      best = std::move(e);
    }
  }

  for (const ProcessGrid& g : uniform_grids) {
    for (const Strategy s : distinct_strategies(g)) {
      const Evaluation e =
          model.evaluate(uniform_plan(network, s, g, options.sequence_parallel), batch);
      if (!e.violation) out.uniform.push_back({s, g, e.result.iteration_s});
      tick();
    }
  }
  std::stable_sort(out.uniform.begin(), out.uniform.end(),
                   [](const UniformCandidate& a, const UniformCandidate& b) {
                     return a.iteration_s < b.iteration_s;
                   });

  if (!best && out.uniform.empty()) {
    throw InputError(
        "", std::nullopt, "--procs",
        fmt::format("no plan of {} on {} processes fits the model's limits", network.name, procs));
  }
  if (!best ||
      (!out.uniform.empty() && out.uniform.front().iteration_s < best->result.iteration_s)) {
    const UniformCandidate& u = out.uniform.front();
    out.plan = uniform_plan(network, u.strategy, u.grid, options.sequence_parallel);
    out.plan.strategy = Strategy::plan;
    best = model.evaluate(out.plan, batch);
    out.uniform_won = true;
    log->debug("the best uniform strategy, {}, beats the per-layer search", label(u));
  }
  out.result = std::move(best->result);
  return out;
}

}  // namespace dnnsim
