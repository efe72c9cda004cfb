#pragma once
// The analytic engine: docs/model.md computed exactly, for one plan at a time. Construct once
// per (network, platform) and evaluate many plans; buffers are reused.

#include <optional>
#include <string>
#include <vector>

#include "sim/model/collective_cost.hpp"
#include "sim/model/compute_cost.hpp"
#include "sim/model/memory.hpp"
#include "sim/platform/platform.hpp"
#include "sim/result/result.hpp"
#include "sim/strategy/layer_comm.hpp"
#include "sim/strategy/layout.hpp"
#include "sim/strategy/limits.hpp"
#include "sim/strategy/plan.hpp"
#include "sim/workload/network.hpp"

namespace dnnsim {

/// A result, or the limit the plan breaks.
struct Evaluation {
  std::optional<LimitViolation> violation;
  Result result;
};

class AnalyticModel {
 public:
  AnalyticModel(const Network& network, const Platform& platform);

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
  [[nodiscard]] LayerResult priced(const std::vector<LayerExec>& execs, std::size_t i, double batch,
                                   const std::vector<Collective>& collectives);
  /// Fills `r` for a plan with pipeline stages or microbatches (pipeline_model.cpp), once
  /// `execs_` are resolved.
  void time_pipeline(const Plan& plan, double batch, Result& r);
  /// The link between the processes of two pipeline stages.
  [[nodiscard]] const LinkCost& pipeline_link(const Plan& plan, std::int64_t from,
                                              std::int64_t to) const noexcept;

  const Network& network_;
  const Platform& platform_;
  LinkCost link_;
  LinkCost node_link_;  ///< inside a node of a hierarchical platform
  ComputeModel compute_;
  std::vector<LayerExec> execs_;
  std::vector<Collective> collectives_;
  std::vector<std::vector<Collective>> per_layer_;  ///< with gradient buckets
};

/// A Result naming what was run (engine, workload, platform, batch, P, grid, strategy,
/// memory limit), with one empty LayerResult per layer: both engines fill in the times.
[[nodiscard]] Result result_for(std::string engine, const Network& network,
                                const Platform& platform, const Plan& plan, std::int64_t batch);

}  // namespace dnnsim
