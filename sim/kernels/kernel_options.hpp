#pragma once
// The command line of dnnsim-kernels: the workload and its split exactly as
// `dnnsim analytic` reads them (sim/cli/run_options), plus the run's own options. Parsed
// and checked on every process alike, before any message moves.

#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "sim/request/run_options.hpp"
#include "sim/strategy/plan.hpp"
#include "sim/workload/network.hpp"

namespace dnnsim::kernels {

struct KernelOptions {
  RunOptions run;           ///< workload, --procs, --grid, --strategy, --plan, --batch, --format
  int iterations = 5;       ///< timed iterations, after one warm-up
  std::int64_t seed = 1;    ///< 0 .. 2^40
  double tolerance = 1e-4;  ///< largest max_rel_error accepted (exit status 3 beyond)
  bool calibrate = false;
  std::vector<std::string> shapes_from;  ///< calibration: workloads whose GEMM shapes to time
};

void add_kernel_options(CLI::App& app, KernelOptions& options);

/// A checked request: the network, its plan on this many processes and the batch.
struct KernelRequest {
  Network network;
  Plan plan;
  Count batch = 0;
  bool json = false;
};

/// Throws InputError or LimitError, naming what is wrong, when the kernels cannot run the
/// options on `world_size` processes.
[[nodiscard]] KernelRequest make_kernel_request(const KernelOptions& options, int world_size);

/// Calibration: the workloads whose shapes are timed, and the batch.
struct CalibrationRequest {
  std::vector<Network> networks;
  Count batch = 0;
};

[[nodiscard]] CalibrationRequest make_calibration_request(const KernelOptions& options,
                                                          int world_size);

}  // namespace dnnsim::kernels
