#include "sim/kernels/memory_check.hpp"

#include <exception>
#include <string>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/common/memory.hpp"
#include "sim/common/units.hpp"
#include "sim/kernels/local/memory_estimate.hpp"

namespace dnnsim::kernels {
namespace {

struct MachineMemory {
  double needed = 0.0;   ///< summed over the processes on this machine
  double largest = 0.0;  ///< the largest of them
  int processes = 0;     ///< on this machine
};

// Only collectives: every process reaches them, whatever it found on its own.
MachineMemory on_this_machine(double need, MPI_Comm world) {
  MPI_Comm machine = MPI_COMM_NULL;
  MPI_Comm_split_type(world, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &machine);
  MachineMemory m;
  MPI_Allreduce(&need, &m.needed, 1, MPI_DOUBLE, MPI_SUM, machine);
  MPI_Allreduce(&need, &m.largest, 1, MPI_DOUBLE, MPI_MAX, machine);
  MPI_Comm_size(machine, &m.processes);
  MPI_Comm_free(&machine);
  return m;
}

// `what` says what the run is, `held` what the largest process holds.
void require(double need, MPI_Comm world, const std::string& what, const std::string& held) {
  std::string error;
  double available = 0.0;
  try {
    available = available_memory_bytes();
  } catch (const std::exception& e) {
    error = e.what();  // reported after the collectives, which every process must reach
  }
  const MachineMemory m = on_this_machine(need, world);
  if (!error.empty()) throw InputError("", std::nullopt, "", error);
  if (!(available > 0.0) || m.needed <= available) return;  // unknown: nothing to compare
  const std::string largest =
      m.processes > 1 ? fmt::format("{} in the largest process: ", human_bytes(m.largest))
                      : std::string{};
  throw InputError("", std::nullopt, "",
                   fmt::format("{} needs about {} of memory on this machine ({}{}), but this "
                               "machine has {} available; use a smaller --batch",
                               what, human_bytes(m.needed), largest, held, human_bytes(available)));
}

}  // namespace

void require_memory(const KernelRequest& request, MPI_Comm world) {
  int rank = 0;
  int procs = 0;
  MPI_Comm_rank(world, &rank);
  MPI_Comm_size(world, &procs);
  const double need = run_memory_bytes(request.network, request.plan, request.batch, rank);
  require(need, world,
          fmt::format("{} at batch {} on {} process{}", request.network.name, request.batch, procs,
                      procs == 1 ? "" : "es"),
          fmt::format("activations, weights, gradients and buffers of its share of the {} "
                      "layers, and on rank 0 the whole network run in one process to check "
                      "against",
                      request.network.layers.size()));
}

void require_memory(const CalibrationRequest& request, MPI_Comm world) {
  std::string names;
  for (const Network& network : request.networks) {
    names += (names.empty() ? "" : ", ") + network.name;
  }
  require(calibration_memory_bytes(request.networks, request.batch), world,
          fmt::format("calibrating at batch {}", request.batch),
          fmt::format("the three matrices of the largest GEMM of {}", names));
}

}  // namespace dnnsim::kernels
