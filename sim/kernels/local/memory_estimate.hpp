#pragma once
// The memory a run of dnnsim-kernels takes, worked out before it allocates anything, so
// that a batch too large for the machine is refused with one message instead of dying in
// std::bad_alloc halfway (docs/kernels.md, "Memory"). It walks the buffers
// DistributedNetwork, the reference run and the comparison allocate, with the same shares
// (resolve_layout, row_layouts, block, BandLayout): keep the two in step.

#include <string>
#include <vector>

#include "sim/strategy/plan.hpp"
#include "sim/workload/network.hpp"

namespace dnnsim::kernels {

/// What a process holds besides its tensors: the program, Open MPI and OpenBLAS. Measured
/// with Open MPI 4.1.4 and OpenBLAS 0.3.21: about 17 MB resident for tiny tensors, up to
/// about 50 MB once large GEMMs use OpenBLAS's packing buffers (docs/kernels.md, "Memory").
inline constexpr double kProcessBaseBytes = 64e6;

/// One run of the layers on one process, in bytes.
struct PassMemory {
  double kept = 0.0;  ///< buffers that live from one iteration to the next, at their largest
  double temp = 0.0;  ///< the most held at once on top of them (copies, MPI scratch)
  [[nodiscard]] double peak() const noexcept { return kept + temp; }
};

/// Process `rank`'s share of a training iteration of `network` under `plan` at `batch`
/// (the plan's limits and row layouts must already be checked).
[[nodiscard]] PassMemory pass_memory(const Network& network, const Plan& plan, Count batch,
                                     int rank);

/// The reference tensors process `rank` receives to compare with its own, at most at once
/// (one layer's output, input gradient and weight gradient, and a copy of its own part).
[[nodiscard]] double check_memory(const Network& network, const Plan& plan, Count batch, int rank);

/// Peak bytes process `rank` allocates in `dnnsim-kernels`: kProcessBaseBytes, its pass,
/// and whichever is larger of the pass's temporaries and the comparison; rank 0 also runs
/// the whole network at the whole batch in one process (the reference) meanwhile.
[[nodiscard]] double run_memory_bytes(const Network& network, const Plan& plan, Count batch,
                                      int rank);

/// Peak bytes a process allocates in `dnnsim-kernels --calibrate`: kProcessBaseBytes, the
/// three matrices of the largest GEMM shape of `networks` at `batch`, or the 8 MiB ping-pong
/// buffer.
[[nodiscard]] double calibration_memory_bytes(const std::vector<Network>& networks, Count batch);

}  // namespace dnnsim::kernels
