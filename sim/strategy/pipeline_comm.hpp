#pragma once
// What pipeline stages send each other (docs/model.md, "Pipeline parallelism"), the one
// place both engines learn it: the tensor crossing each boundary between pieces, and the
// tables tied across stages.

#include <cstdint>
#include <optional>
#include <vector>

#include "sim/strategy/layer_comm.hpp"
#include "sim/strategy/pipeline_plan.hpp"

namespace dnnsim {

/// The boundary from piece k to piece k + 1.
struct StageBoundary {
  std::size_t layer = 0;    ///< the layer whose output crosses
  double send_bytes = 0.0;  ///< each of the Pr processes sends its counterpart s b d / Pr
  /// A crossing tensor kept whole in the column (Pr > 1) is all-gathered by the receiving
  /// column (n = s b d): forward by the next piece, backward (the gradient) by this one.
  std::optional<Collective> gather;
};

/// Every boundary of `pipe` in model order, `samples` = B / m (a replica's microbatch is
/// B / (Pc m)).
[[nodiscard]] std::vector<StageBoundary> stage_boundaries(const Network& network,
                                                          const std::vector<LayerExec>& execs,
                                                          const PipelinePlan& pipe, double samples);

/// A table used by a layer on another stage (a GPT's logits tied to its embedding): the
/// two stages' corresponding ranks all-reduce its gradient once per iteration.
struct TiedAcrossStages {
  std::size_t layer = 0;  ///< the tied layer, charged with the all-reduce
  std::int64_t first_stage = 0;
  std::int64_t last_stage = 0;
  Collective allreduce;  ///< n = s V h / Pr among the 2 ranks
};

[[nodiscard]] std::vector<TiedAcrossStages> tied_across_stages(const Network& network,
                                                               const std::vector<LayerExec>& execs,
                                                               const PipelinePlan& pipe);

}  // namespace dnnsim
