#pragma once
// The memory a transformer's run of dnnsim-kernels takes (TokenNetwork), worked out before it
// allocates anything, from the same placements (token_layout.hpp) the run uses: keep the
// two in step (docs/kernels.md, "Memory").

#include "sim/kernels/local/memory_estimate.hpp"

namespace dnnsim::kernels {

/// Process `rank`'s share of a training iteration of a token workload under `plan`.
[[nodiscard]] PassMemory token_pass_memory(const Network& network, const Plan& plan, Count batch,
                                           int rank);

/// The reference tensors process `rank` receives at most at once to compare with its own.
[[nodiscard]] double token_check_memory(const Network& network, Count batch);

}  // namespace dnnsim::kernels
