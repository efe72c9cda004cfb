#include <doctest/doctest.h>

#include <functional>

#include "helpers.hpp"
#include "sim/model/analytic_model.hpp"
#include "sim/optimizer/optimizer.hpp"
#include "sim/strategy/plan_loader.hpp"

using namespace dnnsim;
using doctest::Approx;

namespace {

// A chain with four layers that take a kind and layout changes between them.
const char* kChain = R"(
name: chain
batch: 8
input: {channels: 4, height: 16, width: 16}
layers:
  - {name: c1, type: conv2d, out_channels: 16, kernel: 3, padding: 1}
  - {name: r1, type: relu}
  - {name: p1, type: maxpool, kernel: 2}
  - {name: c2, type: conv2d, out_channels: 32, kernel: 3, padding: 1}
  - {name: f, type: flatten}
  - {name: fc, type: linear, out_features: 64}
)";

// Slow network, fast compute: communication decides, so kinds really differ.
Platform chain_platform() {
  Platform p = test::simple_platform();
  p.network.latency_s = 2e-6;
  p.network.bandwidth_bytes_per_s = 1e8;
  p.node.flops = 1e10;
  return p;
}

}  // namespace

TEST_CASE("the optimizer is exact on a chain: brute force over every per-layer plan agrees") {
  const Network net = test::network_from(kChain);
  const Platform platform = chain_platform();
  SearchOptions options;
  options.procs = 4;
  options.grids = GridChoice::per_layer;
  const Optimization opt = optimize(net, platform, 8, options);

  // Enumerate every (kind, grid) for c1, p1, c2, fc: 2 + 2 * 3 + 2 * 2 = 12 choices each.
  std::vector<LayerPlan> choices{{Kind::batch, {1, 4}}, {Kind::model, {4, 1}}};
  for (const ProcessGrid& g : factorizations(4)) {
    choices.push_back({Kind::integrated, g});
    choices.push_back({Kind::domain, g});
    if (g.pr > 1) {  // Megatron-LM's kinds, for the linear layers (limits refuse the others)
      choices.push_back({Kind::column, g});
      choices.push_back({Kind::row, g});
    }
  }
  const std::vector<std::size_t> planned{0, 2, 3, 5};
  AnalyticModel model(net, platform);
  Plan plan = uniform_plan(net, Strategy::integrated, {1, 4});
  plan.strategy = Strategy::plan;
  double best = 1e30;
  std::size_t feasible = 0;
  std::function<void(std::size_t)> enumerate = [&](std::size_t k) {
    if (k == planned.size()) {
      const Evaluation e = model.evaluate(plan, 8);
      if (e.violation) return;
      ++feasible;
      best = std::min(best, e.result.iteration_s);
      return;
    }
    for (const LayerPlan& c : choices) {
      plan.layers[planned[k]] = c;
      enumerate(k + 1);
    }
  };
  enumerate(0);
  CHECK(feasible > 100);
  CHECK(opt.result.iteration_s == Approx(best).epsilon(1e-12));
}

TEST_CASE("an optimized plan written as YAML reads back to the same time") {
  const Network net = test::network_from(kChain);
  const Platform platform = chain_platform();
  SearchOptions options;
  options.procs = 4;
  options.grids = GridChoice::per_layer;
  const Optimization opt = optimize(net, platform, 8, options);
  const Plan back = parse_plan(YAML::Load(plan_to_yaml(opt.plan, net)), "plan.yaml", net);
  AnalyticModel model(net, platform);
  CHECK(model.run(back, 8).iteration_s == opt.result.iteration_s);
}

// A residual block: the join reads a layer the search's state does not choose.
const char* kResidual = R"(
name: residual
batch: 8
input: {channels: 8, height: 8, width: 8}
layers:
  - {name: c1, type: conv2d, out_channels: 8, kernel: 3, padding: 1}
  - {name: r1, type: relu}
  - {name: c2, type: conv2d, out_channels: 8, kernel: 3, padding: 1}
  - {name: sum, type: add, inputs: [c2, r1]}
  - {name: f, type: flatten}
  - {name: fc, type: linear, out_features: 16}
)";

TEST_CASE("on a small DAG the search finds the plan brute force finds") {
  const Network net = test::network_from(kResidual);
  const Platform platform = chain_platform();
  SearchOptions options;
  options.procs = 4;
  options.grids = GridChoice::per_layer;
  const Optimization opt = optimize(net, platform, 8, options);
  std::vector<LayerPlan> choices{{Kind::batch, {1, 4}}, {Kind::model, {4, 1}}};
  for (const ProcessGrid& g : factorizations(4)) {
    choices.push_back({Kind::integrated, g});
    choices.push_back({Kind::domain, g});
    if (g.pr > 1) {  // Megatron-LM's kinds, for the linear layers (limits refuse the others)
      choices.push_back({Kind::column, g});
      choices.push_back({Kind::row, g});
    }
  }
  AnalyticModel model(net, platform);
  Plan plan = uniform_plan(net, Strategy::integrated, {1, 4});
  plan.strategy = Strategy::plan;
  double best = 1e30;
  for (const LayerPlan& a : choices) {
    for (const LayerPlan& b : choices) {
      for (const LayerPlan& c : choices) {
        plan.layers[0] = a;
        plan.layers[2] = b;
        plan.layers[5] = c;
        const Evaluation e = model.evaluate(plan, 8);
        if (!e.violation) best = std::min(best, e.result.iteration_s);
      }
    }
  }
  CHECK(opt.result.iteration_s == Approx(best).epsilon(1e-12));
  CHECK_FALSE(opt.uniform_won);
}

TEST_CASE("a fixed grid keeps every layer and every uniform candidate on it") {
  const Network net = load_network(test::preset("workloads", "mlp"));
  const Platform platform = load_platform(test::preset("platforms", "crossbar"));
  SearchOptions options;
  options.procs = 8;
  options.grids = GridChoice::fixed;
  options.fixed_grid = {2, 4};
  const Optimization opt = optimize(net, platform, 512, options);
  for (const LayerPlan& l : opt.plan.layers) {
    CHECK(grid_of(l.kind, l.grid, 8) == ProcessGrid{2, 4});
  }
  // On 2x4: integrated, domain, hybrid and tensor (batch is 1x8, model 8x1).
  REQUIRE(opt.uniform.size() == 4);
  for (const UniformCandidate& u : opt.uniform) CHECK(u.grid == ProcessGrid{2, 4});
}

TEST_CASE("uniform candidates are named by what they are, each once") {
  const Network net = load_network(test::preset("workloads", "mlp"));
  const Platform platform = load_platform(test::preset("platforms", "crossbar"));
  SearchOptions options;
  options.procs = 4;
  const Optimization opt = optimize(net, platform, 512, options);
  // Grids 1x4, 2x2, 4x1: batch; integrated, domain, hybrid, tensor; model, domain, hybrid,
  // tensor.
  std::vector<std::string> labels;
  for (const UniformCandidate& u : opt.uniform) labels.push_back(label(u));
  std::sort(labels.begin(), labels.end());
  CHECK(labels == std::vector<std::string>{"batch 1x4", "domain 2x2", "domain 4x1", "hybrid 2x2",
                                           "hybrid 4x1", "integrated 2x2", "model 4x1",
                                           "tensor 2x2", "tensor 4x1"});
}
