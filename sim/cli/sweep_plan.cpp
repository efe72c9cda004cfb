#include "sim/cli/sweep_plan.hpp"

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/optimizer/optimizer.hpp"
#include "sim/optimizer/split_search.hpp"
#include "sim/request/run_options.hpp"

namespace dnnsim::cli {

Plan plan_for(const Network& net, const Platform& platform, const SweepConfig& c,
              std::int64_t batch) {
  Plan plan;
  if (c.strategy.optimized) {
    SearchOptions options;
    options.procs = c.procs;
    options.sequence_parallel = c.sequence_parallel;
    try {
      plan = optimize(net, platform, batch, options).plan;
    } catch (const InputError&) {
      throw LimitError(net.layers.front().name, "no plan fits the model's limits");
    }
  } else {
    plan = uniform_plan(net, c.strategy.strategy, c.grid, c.sequence_parallel);
  }
  // docs/model.md: a microbatch B / (Pc m) is at least one sample.
  if (c.microbatches > 1 && batch < plan.grid.pc * c.microbatches) {
    throw InputError("", std::nullopt, "microbatches",
                     fmt::format("{} microbatches of B / Pc = {} / {} samples leave less than "
                                 "one sample per microbatch",
                                 c.microbatches, batch, plan.grid.pc));
  }
  check_recompute(net, c.recompute);
  apply_split(net,
              {c.strategy.strategy,
               {c.grid, c.stages},
               c.microbatches,
               c.schedule,
               c.zero,
               c.recompute,
               c.sequence_parallel},
              static_cast<double>(c.bucket_bytes), plan);
  return plan;
}

}  // namespace dnnsim::cli
