#pragma once
// One run of dnnsim-kernels: a checked iteration (bytes counted, every tensor compared
// with rank 0's single-process run), one warm-up, then timed iterations.

#include <mpi.h>

#include "sim/kernels/kernel_options.hpp"
#include "sim/kernels/kernel_report.hpp"

namespace dnnsim::kernels {

/// Collective over `world`; the report is complete on rank 0.
[[nodiscard]] KernelReport run_kernels(const KernelRequest& request, const KernelOptions& options,
                                       MPI_Comm world);

}  // namespace dnnsim::kernels
