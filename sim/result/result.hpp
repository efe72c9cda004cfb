#pragma once
// The result of timing one training iteration, the same for every engine (docs/design.md,
// "Outputs"). Layers are in the workload file's order; names come from the Network.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/strategy/plan.hpp"

namespace dnnsim {

struct LayerResult {
  Kind kind = Kind::integrated;
  ProcessGrid grid;  ///< the grid the layer runs on (its own in a per-layer plan)
  double compute_s = 0.0;
  double forward_s = 0.0;
  double backward_s = 0.0;
  double gradient_s = 0.0;
  double halo_s = 0.0;
  double redistribute_s = 0.0;
  double comm_bytes = 0.0;

  [[nodiscard]] double comm_s() const noexcept {
    return forward_s + backward_s + gradient_s + halo_s + redistribute_s;
  }
};

/// Memory of one process (docs/model.md, "Memory per process"), in bytes.
struct MemoryUse {
  double weights_bytes = 0.0;
  double gradients_bytes = 0.0;
  double optimizer_bytes = 0.0;
  double activations_bytes = 0.0;

  [[nodiscard]] double total_bytes() const noexcept {
    return weights_bytes + gradients_bytes + optimizer_bytes + activations_bytes;
  }
};

/// What only the SimGrid engine knows: when the first and last rank finished.
struct RankSpread {
  double first_rank_s = 0.0;
  double last_rank_s = 0.0;
  std::int64_t first_rank = 0;
  std::int64_t last_rank = 0;
};

/// A pipelined iteration (docs/model.md, "Pipeline parallelism").
struct PipelineResult {
  std::int64_t stages = 1;
  std::int64_t microbatches = 1;
  std::string schedule;   ///< gpipe, 1f1b or interleaved:V
  double bubble_s = 0.0;  ///< the iteration minus the busiest stage's busy time
};

struct Result {
  std::string engine;  ///< "analytic" or "simgrid"
  std::string workload;
  std::string platform;
  std::int64_t batch = 0;
  std::int64_t procs = 0;
  ProcessGrid grid;
  Strategy strategy = Strategy::integrated;
  bool sequence_parallel = false;
  double iteration_s = 0.0;
  double compute_s = 0.0;
  double comm_s = 0.0;
  double memory_bytes_per_proc = 0.0;  ///< memory.total_bytes()
  MemoryUse memory;
  std::optional<double> memory_limit_bytes;  ///< the platform's node.memory, if it states one
  std::vector<LayerResult> layers;
  std::optional<RankSpread> spread;
  std::optional<PipelineResult> pipeline;  ///< with more than one stage or microbatch
  /// Three times the forward FLOPs of one iteration, recomputation excluded, and their share
  /// of what the P devices could do in `iteration_s` at peak (docs/model.md, "Model FLOPs").
  double model_flops = 0.0;
  double peak_flops_per_proc = 0.0;

  [[nodiscard]] double mfu() const noexcept {
    const double peak = iteration_s * static_cast<double>(procs) * peak_flops_per_proc;
    return peak > 0.0 ? model_flops / peak : 0.0;
  }

  [[nodiscard]] bool exceeds_memory() const noexcept {
    return memory_limit_bytes && memory_bytes_per_proc > *memory_limit_bytes;
  }
};

}  // namespace dnnsim
