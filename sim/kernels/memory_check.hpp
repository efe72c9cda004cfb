#pragma once
// Refuses, before any buffer exists, a run this machine cannot hold: every process works
// out its own peak (local/memory_estimate.hpp), the processes sharing a machine add theirs
// up, and the sum is compared with the memory that machine has available (MemAvailable,
// or DNNSIM_MEMORY_LIMIT_BYTES). Without it a large --batch dies in std::bad_alloc on
// some ranks and MPI_Abort on the others.

#include <mpi.h>

#include "sim/kernels/kernel_options.hpp"

namespace dnnsim::kernels {

/// Collective over `world`. Throws InputError, on every process of a machine that is
/// short, saying how much the run needs and what the machine has.
void require_memory(const KernelRequest& request, MPI_Comm world);
void require_memory(const CalibrationRequest& request, MPI_Comm world);

}  // namespace dnnsim::kernels
