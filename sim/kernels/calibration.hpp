#pragma once
// The measurements behind `dnnsim calibrate`: the single-threaded OpenBLAS GEMM rate of
// each rank over the shapes the workloads use (all ranks at once, as in a run), and the
// latency and bandwidth of an MPI ping-pong between ranks 0 and 1.

#include <mpi.h>
#include <nlohmann/json.hpp>

#include "sim/kernels/kernel_options.hpp"

namespace dnnsim::kernels {

/// Collective over `world` (at least 2 processes); the JSON is complete on rank 0:
/// {"gemm": {"flops_per_s", "shapes": [...]}, "pingpong": {"latency_s",
/// "bandwidth_bytes_per_s", "points": [...]}}.
[[nodiscard]] nlohmann::ordered_json calibrate(const CalibrationRequest& request, MPI_Comm world);

}  // namespace dnnsim::kernels
