#include "sim/cli/sweep_plan.hpp"

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/optimizer/optimizer.hpp"
#include "sim/request/run_options.hpp"
#include "sim/strategy/pipeline_plan.hpp"

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
  if (c.stages > 1 || c.microbatches > 1 || c.schedule.kind == ScheduleKind::interleaved) {
    plan.pipeline = make_pipeline(net, c.stages, c.microbatches, c.schedule);
    plan.procs *= c.stages;
  }
  check_recompute(net, c.recompute);
  plan.zero = c.zero;
  plan.recompute = c.recompute;
  plan.bucket_bytes = static_cast<double>(c.bucket_bytes);
  return plan;
}

}  // namespace dnnsim::cli
