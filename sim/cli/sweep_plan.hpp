#pragma once
// The plan a sweep row stands for (docs/sweeps.md): a uniform strategy or the per-layer
// optimizer's plan, with the row's stages, microbatches, schedule, ZeRO stage,
// recomputation and gradient buckets.

#include <cstdint>

#include "sim/platform/platform.hpp"
#include "sim/strategy/plan.hpp"
#include "sim/sweep/sweep_spec.hpp"
#include "sim/workload/network.hpp"

namespace dnnsim::cli {

/// Throws LimitError, or InputError when the row's choices cannot run together (both
/// become the row's error).
[[nodiscard]] Plan plan_for(const Network& net, const Platform& platform, const SweepConfig& c,
                            std::int64_t batch);

}  // namespace dnnsim::cli
