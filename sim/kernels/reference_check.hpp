#pragma once
// Every distributed output and gradient against the single-process run on rank 0: rank 0
// broadcasts each reference tensor, each process compares the part it holds, and rank 0
// gets the largest error per layer.

#include <vector>

#include <mpi.h>

#include "sim/kernels/distributed_network.hpp"
#include "sim/kernels/token_network.hpp"

namespace dnnsim::kernels {

/// Per layer, the largest relative error over this layer's output, its input gradient
/// (when computed) and its weight gradients, over all processes: max |x - ref| over the
/// elements a process holds, divided by max |ref| over the whole tensor. Collective over
/// `world`; `reference` is rank 0's single-process run (null elsewhere). Valid on rank 0.
[[nodiscard]] std::vector<double> compare_with_reference(const DistributedNetwork& mine,
                                                         const DistributedNetwork* reference,
                                                         MPI_Comm world);

/// The same for a transformer: per layer its output, the gradient of each input (as each
/// process holds it), and its parameters' gradients (the table's part a process holds).
[[nodiscard]] std::vector<double> compare_with_reference(const TokenNetwork& mine,
                                                         const TokenNetwork* reference,
                                                         MPI_Comm world);

}  // namespace dnnsim::kernels
