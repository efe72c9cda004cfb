#pragma once
// Whether this machine can run a replay: SimGrid's memory for P ranks, estimated before any
// actor exists, against what the machine has (sim/common/memory.hpp).

#include <cstddef>
#include <cstdint>

namespace dnnsim {

/// The shape of a replay, for its memory estimate.
struct ReplaySize {
  std::int64_t procs = 0;
  std::int64_t stages = 1;  ///< each with its own task graph, shared by its ranks
  std::size_t tasks_per_rank = 0;
  std::size_t layers = 0;
};

/// What a replay needs, measured on SimGrid 3.32 (README, "Speed"): about 30 MB for the
/// engine, 400 B per task of each stage's shared task graph, and per actor 25 kB (context,
/// mailboxes, comms in flight), 4 B per task (its count of unfinished dependencies) and
/// 48 B per layer (its times), with a 1.5 margin.
[[nodiscard]] double estimated_memory_bytes(const ReplaySize& size);

/// Throws InputError naming --procs when the replay would need more memory than this
/// machine has available.
void require_replay_memory(const ReplaySize& size);

}  // namespace dnnsim
