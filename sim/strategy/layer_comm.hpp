#pragma once
// The communication one layer does under a resolved plan: every collective of the tables
// of docs/model.md, with its phase, group and payload n. The analytic engine prices these with
// the formulas of docs/model.md; the task-graph compiler expands the same list into point-to-point
// schedules, so both engines see the same collectives and bytes.

#include <cstdint>
#include <string_view>
#include <vector>

#include "sim/strategy/collective_op.hpp"
#include "sim/strategy/layout.hpp"
#include "sim/workload/network.hpp"

namespace dnnsim {

/// Where a collective's time goes in the output (docs/model.md, "Where each term goes").
enum class Phase : std::uint8_t { forward, backward, gradient, halo, redistribute };

/// Which processes take part: the Pr of a grid column, the Pc of a grid row, or all P.
enum class Group : std::uint8_t { column, row, all };

[[nodiscard]] std::string_view to_string(Phase phase) noexcept;
[[nodiscard]] std::string_view to_string(Group group) noexcept;

struct Collective {
  Phase phase = Phase::forward;
  CollectiveOp op = CollectiveOp::allgather;
  Group group = Group::column;
  bool backward_pass = false;  ///< runs in the backward pass (else forward)
  std::int64_t group_size = 1;
  double bytes = 0.0;     ///< the model's n (one exchange for a halo)
  int rounds = 1;         ///< halo rounds; 1 otherwise
  std::size_t input = 0;  ///< regrid: which input of the layer
  /// A collective the layer's compute waits for: in the backward pass a gather of dY or of
  /// its input under sequence parallelism, or a recomputed forward's; in either pass the
  /// gather of ZeRO-3's sharded weights. The others follow the compute.
  bool before_compute = false;
};

/// The collectives of layer `i`'s kind (only those among more than one process), appended
/// to `out`, before recomputation and sharding change them.
void append_collectives(const Network& network, const std::vector<LayerExec>& execs, std::size_t i,
                        double batch, std::vector<Collective>& out);

/// Appends the collectives of layer `i` (only those among more than one process) to `out`,
/// with the plan's recomputation and ZeRO sharding.
void layer_collectives(const Network& network, const std::vector<LayerExec>& execs, std::size_t i,
                       double batch, std::vector<Collective>& out);

/// Bytes the busiest process counts for a collective: n, or n per round for a halo.
[[nodiscard]] inline double counted_bytes(const Collective& c) noexcept {
  return c.op == CollectiveOp::halo ? c.bytes * c.rounds : c.bytes;
}

}  // namespace dnnsim
