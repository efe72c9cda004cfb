// Fuzz target: the workload loader (parse_network), then what trusts the network it returns:
// totals, the analytic model under every strategy on a few grids, one rank's task graph.

#include <array>

#include "sim/model/analytic_model.hpp"
#include "sim/taskgraph/task_graph.hpp"
#include "sim/workload/network_loader.hpp"
#include "tests/fuzz/fuzz_target.hpp"

namespace {

dnnsim::Platform crossbar() {
  dnnsim::Platform p;
  p.name = "fuzz";
  p.nodes = 1 << 20;
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
  return fuzz::run(data, size, "workload", [](const YAML::Node& root) {
    const Network net = parse_network(root, std::string(fuzz::kFuzzFile));
    if (!std::isfinite(net.total_flops_per_sample()) || net.total_params() < 0) {
      fuzz::bug("network totals");
    }
    const Platform platform = crossbar();
    AnalyticModel model(net, platform);
    constexpr std::array<Strategy, 5> kStrategies{
        Strategy::batch, Strategy::model, Strategy::integrated, Strategy::domain, Strategy::hybrid};
    for (const ProcessGrid grid :
         {ProcessGrid{1, 1}, ProcessGrid{1, 4}, ProcessGrid{2, 2}, ProcessGrid{4, 1}}) {
      for (const Strategy s : kStrategies) {
        if ((s == Strategy::batch && grid.pr != 1) || (s == Strategy::model && grid.pc != 1)) {
          continue;
        }
        const Plan plan = uniform_plan(net, s, grid);
        const Evaluation e = model.evaluate(plan, net.batch);
        if (e.violation) continue;
        fuzz::check_result(e.result);
        if (grid.procs() == 4 && s == Strategy::hybrid) {
          const TaskGraphCompiler compiler(net, plan, net.batch, platform);
          (void)compiler.compile_rank(3);
        }
      }
    }
  });
}
