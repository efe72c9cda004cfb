#pragma once
// Runs one SimGrid simulation in a child process (SimGrid's engine is one per process and
// its global state outlives it, DESIGN.md "Beyond one machine") and returns its Result.

#include "sim/engine/replay.hpp"

namespace dnnsim {

/// Forks, simulates in the child, and returns the child's Result. Errors in the child
/// come back as the same exception types (InputError, LimitError, std::runtime_error).
[[nodiscard]] Result simulate_in_child(const Network& network, const Platform& platform,
                                       const Plan& plan, std::int64_t batch,
                                       const ReplayOptions& options);

}  // namespace dnnsim
