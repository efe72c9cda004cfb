// Fuzz target: the plan loader (parse_plan) for a fixed network with every kind of layer
// that takes a plan, then the analytic model and a rank's task graph for the plan.

#include "sim/model/analytic_model.hpp"
#include "sim/strategy/plan_loader.hpp"
#include "sim/taskgraph/task_graph.hpp"
#include "sim/workload/network_loader.hpp"
#include "tests/fuzz/fuzz_target.hpp"

namespace {

const dnnsim::Network& network() {
  static const dnnsim::Network net = dnnsim::parse_network(YAML::Load(R"(
name: net
batch: 64
input: {channels: 3, height: 32, width: 32}
layers:
  - {name: conv1, type: conv2d, out_channels: 16, kernel: 3, padding: 1}
  - {name: relu1, type: relu}
  - {name: pool1, type: maxpool, kernel: 2}
  - {name: conv2, type: conv2d, out_channels: 16, kernel: 3, padding: 1}
  - {name: res, type: add, inputs: [pool1, conv2]}
  - {name: pool2, type: avgpool, kernel: 2}
  - {name: flat, type: flatten}
  - {name: fc1, type: linear, out_features: 64}
  - {name: fc2, type: linear, out_features: 10}
)"),
                                                           "net.yaml");
  return net;
}

dnnsim::Platform crossbar() {
  dnnsim::Platform p;
  p.name = "fuzz";
  p.nodes = std::int64_t{1} << 40;
  p.node.flops = 1.0e12;
  p.node.efficiency = 0.5;
  p.node.memory_bytes = 1.0e11;
  p.network.latency_s = 1.0e-6;
  p.network.bandwidth_bytes_per_s = 1.0e10;
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dnnsim;
  return fuzz::run(data, size, "plan", [](const YAML::Node& root) {
    const Network& net = network();
    const Plan plan = parse_plan(root, std::string(fuzz::kFuzzFile), net);
    if (plan.layers.size() != net.layers.size() || plan.procs != plan.grid.procs()) {
      fuzz::bug("a plan that does not match its network or grid");
    }
    const Platform platform = crossbar();
    AnalyticModel model(net, platform);
    const Evaluation e = model.evaluate(plan, net.batch);
    if (e.violation) return;
    fuzz::check_result(e.result);
    if (plan.procs <= 64) {
      const TaskGraphCompiler compiler(net, plan, net.batch, platform);
      (void)compiler.compile_rank(plan.procs - 1);
    }
  });
}
