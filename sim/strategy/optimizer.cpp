#include "sim/strategy/optimizer.hpp"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/model/analytic_model.hpp"
#include "sim/strategy/layout.hpp"
#include "sim/strategy/limits.hpp"

namespace dnnsim {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

std::vector<LayerPlan> choices_for(const OptimizerOptions& o) {
  std::vector<LayerPlan> out;
  const auto add = [&out](Kind kind, ProcessGrid grid) {
    for (const LayerPlan& c : out) {
      if (c.kind == kind && c.grid == grid) return;
    }
    out.push_back({kind, grid});
  };
  for (const Kind kind : o.kinds) {
    if (kind == Kind::batch) add(kind, {1, o.procs});
    if (kind == Kind::model) add(kind, {o.procs, 1});
    if (kind == Kind::integrated || kind == Kind::domain) {
      for (const ProcessGrid& g : o.grids) add(kind, g);
    }
  }
  return out;
}

/// One DP state: the cheapest way to reach layer p_k with choice c.
struct State {
  double cost = kInfinity;
  std::size_t parent = 0;        ///< choice index at p_{k-1}
  std::vector<LayerExec> execs;  ///< resolved up to p_k along the path
};

}  // namespace

Optimization optimize(const Network& network, const Platform& platform, std::int64_t batch,
                      const OptimizerOptions& options) {
  AnalyticModel model(network, platform);
  const double b = static_cast<double>(batch);
  const std::vector<LayerPlan> choices = choices_for(options);
  if (choices.empty()) throw InputError("", std::nullopt, "--kinds", "no kind to choose from");

  // The plan the DP fills in; layers before the first choice take its default grid.
  Plan plan = uniform_plan(network, Strategy::integrated, options.grids.front());
  plan.strategy = Strategy::plan;
  plan.procs = options.procs;

  // Segments: for each layer that takes a kind, the layers before it (since the previous
  // one) in topological order; plus the tail after the last.
  std::vector<std::size_t> planned;
  std::vector<std::vector<std::size_t>> segment(1);
  for (const std::size_t i : network.topo_order) {
    if (takes_kind(network.layers[i].type)) {
      planned.push_back(i);
      segment.emplace_back();
    } else {
      segment.back().push_back(i);
    }
  }
  // segment[k] precedes planned[k]; segment[planned.size()] is the tail.

  // Resolves `layers` into `execs` and returns their cost, or infinity past a limit.
  double largest = 0.0;
  const auto cost_of = [&](const std::vector<std::size_t>& layers, std::vector<LayerExec>& execs) {
    double total = 0.0;
    for (const std::size_t i : layers) {
      resolve_layer(network, plan, execs, i);
      if (check_layer_limits(network.layers[i], execs[i], b)) return kInfinity;
      const LayerResult r = model.layer_result(execs, i, b, largest);
      total += r.compute_s + r.comm_s();
    }
    return total;
  };

  const std::size_t n = network.layers.size();
  std::vector<std::vector<State>> dp(planned.size());
  std::vector<LayerExec> scratch(n);
  std::vector<LayerExec> start(n);
  const double head = cost_of(segment[0], start);
  for (std::size_t k = 0; k < planned.size(); ++k) {
    const std::size_t layer = planned[k];
    dp[k].resize(choices.size());
    for (std::size_t c = 0; c < choices.size(); ++c) {
      plan.layers[layer] = choices[c];
      const std::size_t parents = k == 0 ? 1 : choices.size();
      for (std::size_t p = 0; p < parents; ++p) {
        const double before = k == 0 ? head : dp[k - 1][p].cost;
        if (before == kInfinity) continue;
        scratch = k == 0 ? start : dp[k - 1][p].execs;
        if (k > 0) {
          // The path's own choices for every earlier layer stay in `scratch`; the plan
          // entry of p_{k-1} must match it while the segment resolves.
          plan.layers[planned[k - 1]] = choices[p];
        }
        const double cost = before + cost_of(segment[k], scratch) + cost_of({layer}, scratch);
        if (cost < dp[k][c].cost) {
          dp[k][c].cost = cost;
          dp[k][c].parent = p;
          dp[k][c].execs = scratch;
        }
      }
    }
    if (k > 0) {
      // Earlier states are no longer read: keep only their costs and parents.
      for (State& s : dp[k - 1]) std::vector<LayerExec>().swap(s.execs);
    }
  }

  Optimization out;
  // Best final state, tail included.
  double best = kInfinity;
  std::size_t best_choice = 0;
  if (planned.empty()) {
    best = head;
  } else {
    for (std::size_t c = 0; c < choices.size(); ++c) {
      if (dp.back()[c].cost == kInfinity) continue;
      scratch = dp.back()[c].execs;
      plan.layers[planned.back()] = choices[c];
      const double cost = dp.back()[c].cost + cost_of(segment.back(), scratch);
      if (cost < best) {
        best = cost;
        best_choice = c;
      }
    }
  }
  // Walk the parents back to the plan.
  for (std::size_t k = planned.size(), c = best_choice; k-- > 0;) {
    plan.layers[planned[k]] = choices[c];
    c = dp[k][c].parent;
  }

  // Every uniform strategy, for comparison (and as the answer if it is better).
  for (const ProcessGrid& g : factorizations(options.procs)) {
    for (const Strategy s : {Strategy::batch, Strategy::model, Strategy::integrated,
                             Strategy::domain, Strategy::hybrid}) {
      if ((s == Strategy::batch && g.pr != 1) || (s == Strategy::model && g.pc != 1)) continue;
      const Evaluation e = model.evaluate(uniform_plan(network, s, g), batch);
      if (!e.violation) out.uniform.push_back({s, g, e.result.iteration_s});
    }
  }
  std::sort(out.uniform.begin(), out.uniform.end(),
            [](const UniformCandidate& a, const UniformCandidate& b) {
              return a.iteration_s < b.iteration_s;
            });

  if (best == kInfinity && out.uniform.empty()) {
    throw InputError("", std::nullopt, "--procs",
                     fmt::format("no plan of {} on {} processes fits the model's limits",
                                 network.name, options.procs));
  }
  Evaluation dp_eval;
  if (best != kInfinity) dp_eval = model.evaluate(plan, batch);
  const bool dp_ok = best != kInfinity && !dp_eval.violation;
  if (!dp_ok ||
      (!out.uniform.empty() && out.uniform.front().iteration_s < dp_eval.result.iteration_s)) {
    const UniformCandidate& u = out.uniform.front();
    plan = uniform_plan(network, u.strategy, u.grid);
    plan.strategy = Strategy::plan;
    dp_eval = model.evaluate(plan, batch);
    out.uniform_won = true;
  }
  out.plan = plan;
  out.result = std::move(dp_eval.result);
  return out;
}

}  // namespace dnnsim
