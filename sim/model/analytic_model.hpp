#pragma once
// The analytic engine: docs/model.md computed exactly, for one plan at a time. Construct once
// per (network, platform) and evaluate many plans; buffers are reused.

#include <optional>
#include <string>
#include <vector>

#include "sim/model/collective_cost.hpp"
#include "sim/model/compute_cost.hpp"
#include "sim/model/memory.hpp"
#include "sim/model/pipeline_timing.hpp"
#include "sim/platform/platform.hpp"
#include "sim/result/result.hpp"
#include "sim/strategy/layer_comm.hpp"
#include "sim/strategy/layout.hpp"
#include "sim/strategy/limits.hpp"
#include "sim/strategy/plan.hpp"
#include "sim/workload/block_repeat.hpp"
#include "sim/workload/network.hpp"

namespace dnnsim {

/// A result, or the limit the plan breaks.
struct Evaluation {
  std::optional<LimitViolation> violation;
  Result result;
};

class AnalyticModel {
 public:
  /// `reuse_blocks`: price one copy of a network's identical repeated blocks and reuse it
  /// (docs/model.md, "Repeated blocks"); off, every layer is priced (what tests compare).
  AnalyticModel(const Network& network, const Platform& platform, bool reuse_blocks = true);

  /// Times one iteration of `plan` at mini-batch `batch`; a plan that breaks a limit
  /// gives the violation instead.
  [[nodiscard]] Evaluation evaluate(const Plan& plan, std::int64_t batch);

  /// The same, throwing LimitError on a violation.
  [[nodiscard]] Result run(const Plan& plan, std::int64_t batch);

  /// Compute and communication of layer `i` under resolved `execs` (docs/model.md), at
  /// mini-batch `batch`.
  [[nodiscard]] LayerResult layer_result(const std::vector<LayerExec>& execs, std::size_t i,
                                         double batch);

  /// The price of one collective among processes of `grid` under docs/model.md (seconds):
  /// on a hierarchical platform, with the node's own network when every group of its kind
  /// lies inside one node ("Collectives inside a node").
  [[nodiscard]] double cost_s(const Collective& c, ProcessGrid grid) const noexcept;

 private:
  /// Layer i's compute and the price of `collectives`, its communication.
  [[nodiscard]] LayerResult priced(const std::vector<LayerExec>& execs, std::size_t i,
                                   double compute_s, const std::vector<Collective>& collectives);
  /// Resolves `execs_` for `plan` and sets `source_`: each layer's own index, or that of the
  /// block-1 layer it copies.
  void resolve(const Plan& plan);
  /// Caches compute, memory and the full-recomputation buffer share of every layer that is
  /// its own source, at `batch` samples.
  void cache_layers(double batch);
  /// Per pipeline stage, one of its processes' memory (docs/model.md, "Memory per
  /// process"): its layers' parameters and state, their activations times
  /// `activations_times[stage]`, the tables tied to its layers from other stages, and under
  /// full recomputation its largest block's activations.
  [[nodiscard]] std::vector<MemoryUse> stage_memory(
      const PipelinePlan& pipe, const std::vector<double>& activations_times) const;
  /// Fills `r` for a plan with pipeline stages or microbatches (pipeline_model.cpp), once
  /// `execs_` are resolved and the layers cached.
  void time_pipeline(const Plan& plan, double batch, Result& r);
  /// The link between the processes of two pipeline stages.
  [[nodiscard]] const LinkCost& pipeline_link(const Plan& plan, std::int64_t from,
                                              std::int64_t to) const noexcept;

  const Network& network_;
  const Platform& platform_;
  LinkCost link_;
  LinkCost node_link_;  ///< inside a node of a hierarchical platform
  ComputeModel compute_;
  std::optional<BlockRepeat> repeat_;
  std::vector<std::int64_t> block_of_;  ///< per layer, its transformer block, or -1
  std::size_t blocks_ = 0;
  std::vector<LayerExec> execs_;
  std::vector<std::size_t> source_;  ///< per layer, the layer whose costs it has
  std::vector<std::size_t> stage_;   ///< per layer, its pipeline stage
  std::vector<LayerCompute> compute_cache_;
  std::vector<MemoryUse> memory_cache_;
  std::vector<double> buffer_cache_;
  /// Per layer of a pipelined plan, what one microbatch costs it.
  struct Passes {
    double forward_s = 0.0;   ///< forward compute and communication
    double backward_s = 0.0;  ///< backward (and recomputation) compute and communication
    double gradient_s = 0.0;  ///< its weight gradients' reduction, once per iteration
  };
  std::vector<Passes> passes_;
  // The last schedule timed, and what it was timed with.
  std::optional<PipelineTiming> last_timing_;
  Schedule last_schedule_;
  std::int64_t last_stages_ = 0;
  std::int64_t last_microbatches_ = 0;
  PipelineCosts last_costs_;
  std::vector<Collective> collectives_;
  std::vector<std::vector<Collective>> per_layer_;  ///< with gradient buckets
};

/// A Result naming what was run (engine, workload, platform, batch, P, grid, strategy,
/// memory limit), with one empty LayerResult per layer: both engines fill in the times.
[[nodiscard]] Result result_for(std::string engine, const Network& network,
                                const Platform& platform, const Plan& plan, std::int64_t batch);

}  // namespace dnnsim
