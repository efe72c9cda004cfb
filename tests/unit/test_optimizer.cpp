#include <doctest/doctest.h>

#include <functional>

#include "helpers.hpp"
#include "sim/model/analytic_model.hpp"
#include "sim/strategy/optimizer.hpp"
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
  OptimizerOptions options;
  options.procs = 4;
  options.grids = factorizations(4);
  const Optimization opt = optimize(net, platform, 8, options);

  // Enumerate every (kind, grid) for c1, p1, c2, fc: 2 + 2 * 3 = 8 choices each.
  std::vector<LayerPlan> choices{{Kind::batch, {1, 4}}, {Kind::model, {4, 1}}};
  for (const ProcessGrid& g : factorizations(4)) {
    choices.push_back({Kind::integrated, g});
    choices.push_back({Kind::domain, g});
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
  // And at least as good as the best uniform strategy.
  REQUIRE_FALSE(opt.uniform.empty());
  CHECK(opt.result.iteration_s <= opt.uniform.front().iteration_s * (1 + 1e-12));
}

TEST_CASE("an optimized plan written as YAML reads back to the same time") {
  const Network net = test::network_from(kChain);
  const Platform platform = chain_platform();
  OptimizerOptions options;
  options.procs = 4;
  options.grids = factorizations(4);
  const Optimization opt = optimize(net, platform, 8, options);
  const Plan back = parse_plan(YAML::Load(plan_to_yaml(opt.plan, net)), "plan.yaml", net);
  AnalyticModel model(net, platform);
  CHECK(model.run(back, 8).iteration_s == opt.result.iteration_s);
}

TEST_CASE("the optimizer is never worse than the best uniform plan on a DAG") {
  const Network net = load_network(test::preset("workloads", "resnet18"));
  const Platform platform = load_platform(test::preset("platforms", "cori-knl"));
  for (const std::int64_t procs : {8, 64}) {
    OptimizerOptions options;
    options.procs = procs;
    options.grids = factorizations(procs);
    const Optimization opt = optimize(net, platform, 256, options);
    REQUIRE_FALSE(opt.uniform.empty());
    CHECK(opt.result.iteration_s <= opt.uniform.front().iteration_s * (1 + 1e-12));
  }
}
