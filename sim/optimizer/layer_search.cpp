#include "sim/optimizer/layer_search.hpp"

#include <limits>
#include <map>
#include <tuple>
#include <utility>

#include "sim/strategy/layout.hpp"
#include "sim/strategy/limits.hpp"

namespace dnnsim {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();

/// The resolved layers a later layer still reads: all a path needs to carry.
using LiveExecs = std::vector<std::pair<std::size_t, LayerExec>>;

/// One DP state: the cheapest way found to reach a layer with a given choice.
struct State {
  double cost = kInfinity;
  std::size_t parent = 0;  ///< choice index at the previous stage
  LiveExecs live;          ///< after this stage
};

/// A parent after the segment that precedes the next planned layer.
struct Parent {
  double base = kInfinity;  ///< its cost plus the segment's
  LiveExecs live;           ///< just before the planned layer
};

/// How a planned layer's single input lies: all its choice's cost depends on.
struct Signature {
  std::int64_t pr = 0;
  std::int64_t pc = 0;
  Layout layout = Layout::whole;
  friend bool operator<(const Signature& a, const Signature& b) {
    return std::tie(a.pr, a.pc, a.layout) < std::tie(b.pr, b.pc, b.layout);
  }
};

/// The network's layers in topological order, split at the layers that take a kind.
struct Stages {
  std::vector<std::size_t> planned;                   ///< layers that take a kind
  std::vector<std::vector<std::size_t>> before;       ///< before[k] precedes planned[k]; one more
                                                      ///< for the tail after the last
  std::vector<std::vector<std::size_t>> live_before;  ///< read later, just before planned[k]
  std::vector<std::vector<std::size_t>> live_after;   ///< read later, just after planned[k]
};

Stages split_stages(const Network& network) {
  const std::size_t n = network.layers.size();
  std::vector<std::size_t> position(n);
  for (std::size_t t = 0; t < n; ++t) position[network.topo_order[t]] = t;
  // The position of a layer's last reader: until then the layer is live.
  std::vector<std::size_t> last_read(n, kNone);
  for (std::size_t i = 0; i < n; ++i) {
    for (const std::size_t j : network.layers[i].inputs) {
      if (last_read[j] == kNone || position[i] > last_read[j]) last_read[j] = position[i];
    }
  }
  Stages s;
  s.before.emplace_back();
  std::vector<std::size_t> alive;
  const auto live_at = [&](std::size_t t) {  // read after position t
    std::vector<std::size_t> out;
    for (const std::size_t j : alive) {
      if (last_read[j] != kNone && last_read[j] > t) out.push_back(j);
    }
    alive = out;
    return out;
  };
  for (std::size_t t = 0; t < n; ++t) {
    const std::size_t i = network.topo_order[t];
    if (takes_kind(network.layers[i].type)) {
      s.live_before.push_back(t == 0 ? std::vector<std::size_t>{} : live_at(t - 1));
      s.planned.push_back(i);
      alive.push_back(i);
      s.live_after.push_back(live_at(t));
      s.before.emplace_back();
    } else {
      s.before.back().push_back(i);
      alive.push_back(i);
    }
  }
  return s;
}

void scatter(const LiveExecs& live, std::vector<LayerExec>& execs) {
  for (const auto& [i, e] : live) execs[i] = e;
}

LiveExecs gather(const std::vector<std::size_t>& layers, const std::vector<LayerExec>& execs) {
  LiveExecs out;
  out.reserve(layers.size());
  for (const std::size_t i : layers) out.emplace_back(i, execs[i]);
  return out;
}

}  // namespace

std::vector<LayerPlan> layer_choices(std::int64_t procs, const std::vector<ProcessGrid>& grids,
                                     bool with_batch_and_model) {
  std::vector<LayerPlan> out;
  const auto add = [&out](Kind kind, ProcessGrid grid) {
    for (const LayerPlan& c : out) {
      if (c.kind == kind && c.grid == grid) return;
    }
    out.push_back({kind, grid});
  };
  if (with_batch_and_model) {
    add(Kind::batch, {1, procs});
    add(Kind::model, {procs, 1});
  }
  for (const ProcessGrid& g : grids) {
    add(Kind::integrated, g);
    add(Kind::domain, g);
    if (g.pr > 1) {  // on 1 x P, column and row are batch parallelism
      add(Kind::column, g);
      add(Kind::row, g);
    }
  }
  return out;
}

std::size_t search_stages(const Network& network) {
  std::size_t n = 0;
  for (const Layer& layer : network.layers) n += takes_kind(layer.type) ? 1 : 0;
  return n;
}

std::optional<Plan> search_layers(AnalyticModel& model, const Network& network, std::int64_t batch,
                                  std::int64_t procs, const std::vector<LayerPlan>& choices,
                                  ProcessGrid default_grid, const std::function<void()>& stage_done,
                                  bool sequence_parallel) {
  const double b = static_cast<double>(batch);
  const std::size_t n = network.layers.size();
  const Stages stages = split_stages(network);
  const std::size_t count = choices.size();

  // The plan the search fills in; layers that take no kind read it only when they read the
  // network input (a learned tensor), and take its default then.
  Plan plan = uniform_plan(network, Strategy::integrated, default_grid);
  plan.strategy = Strategy::plan;
  plan.procs = procs;
  plan.sequence_parallel = sequence_parallel;

  std::vector<LayerExec> execs(n);
  // Resolves `layers` into `execs` and returns their time, or infinity past a limit.
  const auto cost_of = [&](const std::vector<std::size_t>& layers) {
    double total = 0.0;
    for (const std::size_t i : layers) {
      resolve_layer(network, plan, execs, i);
      if (check_layer_limits(network.layers[i], execs[i], b)) return kInfinity;
      const LayerResult r = model.layer_result(execs, i, b);
      total += r.compute_s + r.comm_s();
    }
    return total;
  };

  if (stages.planned.empty()) {
    if (cost_of(stages.before.front()) == kInfinity) return std::nullopt;
    return plan;
  }

  // The start: the layers before the first planned one, the same on every path.
  std::vector<State> previous(1);
  previous[0].cost = cost_of(stages.before[0]);
  previous[0].live = gather(stages.live_before[0], execs);
  std::vector<std::vector<std::size_t>> parents_of(stages.planned.size());
  bool first = true;

  std::vector<Parent> parents;
  for (std::size_t k = 0; k < stages.planned.size(); ++k) {
    const std::size_t layer = stages.planned[k];
    const Layer& l = network.layers[layer];

    // Each parent, followed by the segment up to this layer.
    parents.assign(previous.size(), Parent{});
    for (std::size_t p = 0; p < previous.size(); ++p) {
      if (previous[p].cost == kInfinity) continue;
      scatter(previous[p].live, execs);
      const double segment = first ? 0.0 : cost_of(stages.before[k]);
      if (segment == kInfinity) continue;
      parents[p].base = previous[p].cost + segment;
      parents[p].live = first ? previous[p].live : gather(stages.live_before[k], execs);
    }

    // Parents grouped by how this layer's input lies: the cheapest of each group (the first
    // one on ties, as a scan in order would keep).
    const bool one_input = l.inputs.size() == 1;
    std::map<Signature, std::size_t> groups;
    std::vector<ProcessGrid> input_grid(parents.size());
    for (std::size_t p = 0; p < parents.size(); ++p) {
      if (parents[p].base == kInfinity) continue;
      Signature sig;
      if (one_input) {
        scatter(parents[p].live, execs);
        const LayerExec& in = execs[l.inputs.front()];
        sig = {in.grid.pr, in.grid.pc, in.out_layout};
        input_grid[p] = in.grid;
      } else {
        sig = {static_cast<std::int64_t>(p), 0, Layout::whole};  // each parent its own group
      }
      const auto [it, inserted] = groups.emplace(sig, p);
      if (!inserted && parents[p].base < parents[it->second].base) it->second = p;
    }
    // With one input, a choice on another grid than its input's pays the same grid change
    // whatever that grid is: only the cheapest such parent can win. Keep the cheapest parent
    // overall and the cheapest on another grid than that one's.
    std::size_t best = kNone;
    std::size_t runner_up = kNone;  // cheapest whose input grid differs from best's
    const auto cheaper = [&](std::size_t a, std::size_t c) {
      return c == kNone || parents[a].base < parents[c].base ||
             (parents[a].base == parents[c].base && a < c);
    };
    if (one_input) {
      for (const auto& [sig, p] : groups) {
        if (cheaper(p, best)) best = p;
      }
      for (const auto& [sig, p] : groups) {
        if (best != kNone && !(input_grid[p] == input_grid[best]) && cheaper(p, runner_up)) {
          runner_up = p;
        }
      }
    }

    std::vector<State> current(count);
    std::vector<std::size_t> candidates;
    for (std::size_t c = 0; c < count; ++c) {
      plan.layers[layer] = choices[c];
      const ProcessGrid grid = grid_of(choices[c].kind, choices[c].grid, procs);
      candidates.clear();
      for (const auto& [sig, p] : groups) {
        if (!one_input || input_grid[p] == grid) candidates.push_back(p);
      }
      if (one_input) {
        // The cheapest parent whose input lies on another grid than this choice's.
        const std::size_t other = best != kNone && !(input_grid[best] == grid) ? best : runner_up;
        if (other != kNone) candidates.push_back(other);
      }
      State& s = current[c];
      std::size_t winner = kNone;
      for (const std::size_t p : candidates) {
        scatter(parents[p].live, execs);
        const double cost = parents[p].base + cost_of({layer});
        if (cost < s.cost || (cost == s.cost && cost != kInfinity && p < winner)) {
          s.cost = cost;
          winner = p;
        }
      }
      if (winner == kNone) continue;
      s.parent = winner;
      scatter(parents[winner].live, execs);
      (void)cost_of({layer});
      s.live = gather(stages.live_after[k], execs);
    }
    previous = std::move(current);
    parents_of[k].resize(count);
    for (std::size_t c = 0; c < count; ++c) parents_of[k][c] = previous[c].parent;
    first = false;
    if (stage_done) stage_done();
  }

  // The tail after the last planned layer, then the best end.
  double best_cost = kInfinity;
  std::size_t best_choice = 0;
  const std::size_t last = stages.planned.size() - 1;
  for (std::size_t c = 0; c < count; ++c) {
    if (previous[c].cost == kInfinity) continue;
    scatter(previous[c].live, execs);
    plan.layers[stages.planned[last]] = choices[c];
    const double cost = previous[c].cost + cost_of(stages.before.back());
    if (cost < best_cost) {
      best_cost = cost;
      best_choice = c;
    }
  }
  if (best_cost == kInfinity) return std::nullopt;
  for (std::size_t k = stages.planned.size(), c = best_choice; k-- > 0;) {
    plan.layers[stages.planned[k]] = choices[c];
    c = parents_of[k][c];
  }
  return plan;
}

}  // namespace dnnsim
