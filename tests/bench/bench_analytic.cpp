// Analytic engine throughput, and the ResNet-50 table: every strategy, every
// factorization of every P = 2^k up to 65536. Goal: the table in under 20 ms.

#include <chrono>
#include <cstdio>

#include "sim/model/analytic_model.hpp"
#include "sim/platform/platform_loader.hpp"
#include "sim/workload/network_loader.hpp"

namespace dnnsim::bench {
namespace {

using Clock = std::chrono::steady_clock;

std::string preset(const char* kind, const char* name) {
  return std::string(DNNSIM_DATA_DIR) + "/" + kind + "/" + name + ".yaml";
}

// Evaluates every strategy on every grid of every P = 2^k; returns evaluations done.
std::size_t full_table(AnalyticModel& model, const Network& net, double& checksum) {
  std::size_t evaluations = 0;
  for (std::int64_t procs = 2; procs <= 65536; procs *= 2) {
    for (const Strategy s : {Strategy::batch, Strategy::model}) {
      const ProcessGrid g = s == Strategy::batch ? ProcessGrid{1, procs} : ProcessGrid{procs, 1};
      const Evaluation e = model.evaluate(uniform_plan(net, s, g), net.batch);
      checksum += e.violation ? 1.0 : e.result.iteration_s;
      ++evaluations;
    }
    for (const Strategy s : {Strategy::integrated, Strategy::domain, Strategy::hybrid}) {
      for (const ProcessGrid& g : factorizations(procs)) {
        const Evaluation e = model.evaluate(uniform_plan(net, s, g), net.batch);
        checksum += e.violation ? 1.0 : e.result.iteration_s;
        ++evaluations;
      }
    }
  }
  return evaluations;
}

}  // namespace

void analytic() {
  const Platform platform = load_platform(preset("platforms", "crossbar"));
  for (const char* name : {"alexnet", "resnet50"}) {
    const Network net = load_network(preset("workloads", name));
    AnalyticModel model(net, platform);
    double checksum = 0.0;
    // Warm up, then time several repetitions and keep the best.
    std::size_t evaluations = full_table(model, net, checksum);
    double best_s = 1e30;
    for (int rep = 0; rep < 5; ++rep) {
      const auto t0 = Clock::now();
      evaluations = full_table(model, net, checksum);
      best_s = std::min(best_s, std::chrono::duration<double>(Clock::now() - t0).count());
    }
    std::printf(
        "analytic %-9s (%3zu layers): full table (5 strategies x every grid of P = 2..65536)"
        " = %zu evaluations in %.2f ms -> %.0f network evaluations/s, %.2f us each "
        "(checksum %.6g)\n",
        name, net.layers.size(), evaluations, best_s * 1e3, evaluations / best_s,
        best_s / evaluations * 1e6, checksum);
  }
}

}  // namespace dnnsim::bench
