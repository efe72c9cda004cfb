#pragma once
// Whether this machine can run a replay: SimGrid's memory for P ranks, estimated before any
// actor exists, against what the machine has (sim/common/memory.hpp).

#include <cstddef>
#include <cstdint>

namespace dnnsim {

/// What a replay of P ranks with `tasks` tasks each needs, measured on SimGrid 3.32 (README,
/// "Speed"): about 30 MB for the engine, 25 kB per actor (context, mailboxes, comms in
/// flight) and 150 B per task, with a 1.5 margin.
[[nodiscard]] double estimated_memory_bytes(std::int64_t procs, std::size_t tasks_per_rank);

/// Throws InputError naming --procs when the replay would need more memory than this
/// machine has available.
void require_replay_memory(std::int64_t procs, std::size_t tasks_per_rank);

}  // namespace dnnsim
