#pragma once
// Pipeline parallelism and gradient accumulation in a plan (docs/model.md, "Pipeline
// parallelism"): the grid's third factor Pp, the microbatches a replica's samples run as,
// the schedule, and where the layers are cut.

#include <cstdint>
#include <vector>

#include "sim/strategy/pipeline_schedule.hpp"
#include "sim/workload/network.hpp"

namespace dnnsim {

struct PipelinePlan {
  std::int64_t stages = 1;        ///< Pp: a plan's P is Pr x Pc x Pp
  std::int64_t microbatches = 1;  ///< m, per replica and iteration
  Schedule schedule;
  /// Per layer (file order), its piece k = chunk x Pp + stage, 0 .. Pp x V - 1 in model
  /// order; all 0 with one stage of one chunk.
  std::vector<std::int64_t> piece;

  /// More than one stage or microbatch: the iteration is a schedule, not a sum.
  [[nodiscard]] bool active() const noexcept { return stages > 1 || microbatches > 1; }
  [[nodiscard]] std::int64_t pieces() const noexcept { return stages * schedule.chunks; }
  [[nodiscard]] std::int64_t stage_of(std::size_t layer) const noexcept {
    return piece.empty() ? 0 : piece[layer] % stages;
  }
};

/// The pipeline of `stages` stages and `microbatches` microbatches under `schedule` on
/// `network`, cut as sim/strategy/stage_cuts.hpp says. Throws InputError naming the option
/// (--schedule, --microbatches, --grid) when it cannot run.
[[nodiscard]] PipelinePlan make_pipeline(const Network& network, std::int64_t stages,
                                         std::int64_t microbatches, const Schedule& schedule);

}  // namespace dnnsim
