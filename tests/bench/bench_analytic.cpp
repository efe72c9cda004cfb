// Analytic engine throughput, and the ResNet-50 table: every strategy, every
// factorization of every P = 2^k up to 65536. Goal: the table in under 20 ms.

#include <chrono>
#include <cstdio>

#include "sim/model/analytic_model.hpp"
#include "sim/optimizer/split_search.hpp"
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

// dnnsim optimize's split search: every configuration of GPT-3 175B at batch 1536 on 1,024
// and 16,384 GPUs of dgx-a100 (grid, microbatches, schedule, ZeRO, recomputation, sequence
// parallelism). Goals: under 1 s and under 10 s on this 2-core machine.
void split_search() {
  const Platform platform = load_platform(preset("platforms", "dgx-a100"));
  const Network net = load_network(preset("workloads", "gpt3-175b"));
  for (const auto& [procs, goal_s] : {std::pair<std::int64_t, double>{1024, 1.0}, {16384, 10.0}}) {
    double best_s = 1e30;
    SplitSearch search;
    for (int rep = 0; rep < 3; ++rep) {
      const auto t0 = Clock::now();
      search = search_splits(net, platform, procs, 1536, {});
      best_s = std::min(best_s, std::chrono::duration<double>(Clock::now() - t0).count());
    }
    std::size_t fit = 0;
    std::size_t limits = 0;
    for (const SplitOutcome& o : search.outcomes) {
      fit += o.fits ? 1 : 0;
      limits += o.limit.empty() ? 0 : 1;
    }
    std::printf(
        "split search gpt3-175b B=1536 on %5lld GPUs of dgx-a100: %zu configurations (%zu fit, "
        "%zu break a limit) in %.3f s (best of 3; goal < %.0f s: %s); best %s, %.4g s\n",
        static_cast<long long>(procs), search.outcomes.size(), fit, limits, best_s, goal_s,
        best_s < goal_s ? "met" : "MISSED",
        search.best ? describe(search.outcomes[*search.best].split).c_str() : "none",
        search.best ? search.outcomes[*search.best].iteration_s : 0.0);
  }
}

}  // namespace dnnsim::bench
