#pragma once
// How much memory this machine can still give, so that a run too large for it is refused
// before it allocates: the SimGrid replay (sim/engine/replay.cpp) and the real kernels
// (sim/kernels) both ask here.

#include <string>

namespace dnnsim {

/// Overrides MemAvailable: tests set it to make a small run look too large.
inline constexpr const char* kMemoryLimitVariable = "DNNSIM_MEMORY_LIMIT_BYTES";

/// Bytes this machine can still give: DNNSIM_MEMORY_LIMIT_BYTES if set, else MemAvailable
/// from /proc/meminfo; 0 when unknown. Throws InputError naming the variable when it is not
/// a positive number.
[[nodiscard]] double available_memory_bytes();

}  // namespace dnnsim
