#include "sim/engine/admission.hpp"

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/common/memory.hpp"

namespace dnnsim {

double estimated_memory_bytes(const ReplaySize& size) {
  const auto tasks = static_cast<double>(size.tasks_per_rank);
  const double per_rank = 25e3 + 4.0 * tasks + 48.0 * static_cast<double>(size.layers);
  return 1.5 * (30e6 + static_cast<double>(size.stages) * 400.0 * tasks +
                static_cast<double>(size.procs) * per_rank);
}

void require_replay_memory(const ReplaySize& size) {
  const double needed = estimated_memory_bytes(size);
  const double available = available_memory_bytes();
  if (available > 0.0 && needed > available) {
    throw InputError("", std::nullopt, "--procs",
                     fmt::format("simulating {} ranks needs about {:.2f} GB of memory, but this "
                                 "machine has {:.2f} GB available; use fewer processes, the "
                                 "analytic engine, or a larger machine",
                                 size.procs, needed / 1e9, available / 1e9));
  }
}

}  // namespace dnnsim
