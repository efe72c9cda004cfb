// A process's whole peak (sim/kernels/local/memory_estimate.hpp): its pass, the comparison
// with the single-process run, and the calibration's buffers.

#include <algorithm>

#include "sim/kernels/local/gemm_shapes.hpp"
#include "sim/kernels/local/kernel_support.hpp"
#include "sim/kernels/local/memory_estimate.hpp"
#include "sim/kernels/local/token_memory.hpp"

namespace dnnsim::kernels {
namespace {

constexpr double kFloat = 4.0;

}  // namespace

double run_memory_bytes(const Network& network, const Plan& plan, Count batch, int rank) {
  const bool tokens = uses_token_kernels(network);
  const auto pass = [&](const Plan& p, int r) {
    return tokens ? token_pass_memory(network, p, batch, r) : pass_memory(network, p, batch, r);
  };
  const PassMemory mine = pass(plan, rank);
  const double check =
      tokens ? token_check_memory(network, batch) : check_memory(network, plan, batch, rank);
  double extra = std::max(mine.temp, check);
  if (rank == 0) {
    // Rank 0's single-process run of the whole network, alive from its forward pass to
    // the end of the comparison, while this process's own buffers are kept.
    const PassMemory reference = pass(uniform_plan(network, Strategy::batch, {1, 1}), 0);
    extra = std::max(extra, reference.kept + std::max(reference.temp, check));
  }
  return kProcessBaseBytes + mine.kept + extra;
}

double calibration_memory_bytes(const std::vector<Network>& networks, Count batch) {
  double largest = static_cast<double>(std::size_t{1} << 23);  // the ping-pong buffer
  for (const Network& network : networks) {
    for (const GemmShape& s : gemm_shapes(network, batch)) {
      const double m = static_cast<double>(s.m);
      const double n = static_cast<double>(s.n);
      const double k = static_cast<double>(s.k);
      largest = std::max(largest, kFloat * (m * k + k * n + m * n));
    }
  }
  return kProcessBaseBytes + largest;
}

}  // namespace dnnsim::kernels
