// dnnsim-kernels: a workload's layers trained for real on MPI + OpenBLAS under a plan of
// docs/model.md, checked against one process, with every collective's bytes counted as the
// simulator counts them. See docs/kernels.md.
//
//   mpirun -np 4 --oversubscribe dnnsim-kernels small-cnn --grid 2x2 --strategy hybrid
//       --batch 8 --format json
//   mpirun -np 2 dnnsim-kernels --calibrate --format json     (what `dnnsim calibrate` runs)
//
// Every process parses and checks the command line alike, then works out whether the run
// fits in memory; they agree on each verdict with one all-reduce before any buffer is
// allocated, and only rank 0 speaks.

#include <malloc.h>

#include <iostream>
#include <sstream>

#include <mpi.h>
#include <CLI/CLI.hpp>

#include "sim/common/error.hpp"
#include "sim/kernels/calibration.hpp"
#include "sim/kernels/kernel_options.hpp"
#include "sim/kernels/kernel_run.hpp"
#include "sim/kernels/local/gemm.hpp"
#include "sim/kernels/memory_check.hpp"

namespace {

using dnnsim::kernels::KernelOptions;

constexpr int kBadUsage = 2;
constexpr int kBadInput = 1;
constexpr int kTooInaccurate = 3;

// The verdict every process reaches on its own, agreed on by all: the largest status.
int agree(int status) {
  MPI_Allreduce(MPI_IN_PLACE, &status, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  return status;
}

int run(int argc, char** argv, int rank, int size) {
  CLI::App app{
      "dnnsim-kernels: real distributed training layers on MPI + OpenBLAS, checked "
      "against one process and against the simulator's byte counts"};
  KernelOptions options;
  dnnsim::kernels::add_kernel_options(app, options);

  // 1. Parse and check, everywhere alike.
  int status = 0;
  std::string message;
  bool help = false;
  dnnsim::kernels::KernelRequest request;
  dnnsim::kernels::CalibrationRequest calibration;
  try {
    app.parse(argc, argv);
    if (options.calibrate) {
      calibration = dnnsim::kernels::make_calibration_request(options, size);
    } else {
      request = dnnsim::kernels::make_kernel_request(options, size);
    }
  } catch (const CLI::CallForHelp&) {
    help = true;
  } catch (const CLI::ParseError& e) {
    status = kBadUsage;
    message = std::string(e.what()) + "\nRun with --help for usage.";
  } catch (const std::exception& e) {
    status = kBadInput;
    message = e.what();
  }
  if (help) {
    if (rank == 0) std::cout << app.help();
    return 0;
  }
  const auto refused = [&](const char* elsewhere) {
    status = agree(status);
    if (status != 0 && rank == 0) {
      std::cerr << "dnnsim-kernels: error: " << (message.empty() ? elsewhere : message) << '\n';
    }
    return status != 0;
  };
  if (refused("another process rejected the arguments")) return status;

  // 2. Memory, before any buffer exists: a batch this machine cannot hold is one message,
  // not std::bad_alloc on some ranks and MPI_Abort on the others.
  try {
    if (options.calibrate) {
      dnnsim::kernels::require_memory(calibration, MPI_COMM_WORLD);
    } else {
      dnnsim::kernels::require_memory(request, MPI_COMM_WORLD);
    }
  } catch (const std::exception& e) {
    status = kBadInput;
    message = e.what();
  }
  if (refused("another machine has not enough memory for this run")) return status;

  // 3. Run.
  std::ostringstream out;
  if (options.calibrate) {
    const auto json = dnnsim::kernels::calibrate(calibration, MPI_COMM_WORLD);
    if (rank == 0) std::cout << json.dump(2) << '\n';
    return 0;
  }
  const dnnsim::kernels::KernelReport report =
      dnnsim::kernels::run_kernels(request, options, MPI_COMM_WORLD);
  if (rank != 0) return 0;
  if (request.json) {
    std::cout << to_json(report, request.network).dump(2) << '\n';
  } else {
    write_table(std::cout, report, request.network);
  }
  if (!(report.max_rel_error < options.tolerance)) {
    std::cerr << "dnnsim-kernels: error: max_rel_error " << report.max_rel_error
              << " against one process is not below the tolerance " << options.tolerance << '\n';
    return kTooInaccurate;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0;
  int size = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  dnnsim::kernels::use_one_blas_thread();
  // Keep freed buffers in the heap: every iteration allocates the same activations, and
  // fresh pages from the kernel would be timed as compute at each one.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  int status = 0;
  try {
    status = run(argc, argv, rank, size);
  } catch (const std::exception& e) {
    // Past the agreed checks, a failure on one process would leave the others waiting.
    std::cerr << "dnnsim-kernels: error on rank " << rank << ": " << e.what() << '\n';
    MPI_Abort(MPI_COMM_WORLD, kBadInput);
  }
  // The tolerance verdict is rank 0's; share it so every process exits with it.
  MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
  MPI_Finalize();
  return status;
}
