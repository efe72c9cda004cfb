#pragma once
// The per-layer search of the optimizer: a dynamic program over the layers that take a kind
// (conv2d, linear, pooling), in topological order, whose state is the choice (kind and
// grid) of the latest such layer; the layers between two of them follow the path's choices.
// On a chain it is exact; on a DAG a join reads layers the state does not choose, so it is a
// path-consistent heuristic (the optimizer then compares it with every uniform strategy).

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "sim/model/analytic_model.hpp"
#include "sim/strategy/plan.hpp"
#include "sim/workload/network.hpp"

namespace dnnsim {

/// What each layer may choose: every (kind, grid) pair the search tries.
[[nodiscard]] std::vector<LayerPlan> layer_choices(std::int64_t procs,
                                                   const std::vector<ProcessGrid>& grids,
                                                   bool with_batch_and_model);

/// The cheapest plan whose layers take one of `choices`, or nothing when every plan breaks
/// a limit. The plan's default grid (the one results report) is `default_grid`. `stage_done` is
/// called once per layer that takes a kind. Work per layer grows with the number of choices, not
/// with its square: the cost of a layer's choice depends on the path only through its input's grid
/// and layout, and a grid change costs the same from every other grid (docs/model.md, "Layouts and
/// changing them").
[[nodiscard]] std::optional<Plan> search_layers(AnalyticModel& model, const Network& network,
                                                std::int64_t batch, std::int64_t procs,
                                                const std::vector<LayerPlan>& choices,
                                                ProcessGrid default_grid,
                                                const std::function<void()>& stage_done,
                                                bool sequence_parallel = false);

/// Layers that take a kind, for progress reports.
[[nodiscard]] std::size_t search_stages(const Network& network);

}  // namespace dnnsim
