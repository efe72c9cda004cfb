#include "sim/engine/admission.hpp"

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/common/memory.hpp"

namespace dnnsim {

/// What a replay of P ranks with `tasks` tasks each needs, measured on SimGrid 3.32 (README,
/// "Speed"): about 30 MB for the engine, 25 kB per actor (context, mailboxes, comms in
/// flight) and 150 B per task, with a 1.5 margin.
double estimated_memory_bytes(std::int64_t procs, std::size_t tasks_per_rank) {
  const double per_rank = 25e3 + 150.0 * static_cast<double>(tasks_per_rank);
  return 1.5 * (30e6 + static_cast<double>(procs) * per_rank);
}

void require_replay_memory(std::int64_t procs, std::size_t tasks_per_rank) {
  const double needed = estimated_memory_bytes(procs, tasks_per_rank);
  const double available = available_memory_bytes();
  if (available > 0.0 && needed > available) {
    throw InputError("", std::nullopt, "--procs",
                     fmt::format("simulating {} ranks needs about {:.2f} GB of memory, but this "
                                 "machine has {:.2f} GB available; use fewer processes, the "
                                 "analytic engine, or a larger machine",
                                 procs, needed / 1e9, available / 1e9));
  }
}

}  // namespace dnnsim
