#pragma once
// Which collectives of a replay have links of their own (docs/design.md, "Private
// collectives"): on a crossbar, every group; on a hierarchical platform, a group inside one
// node whose accelerators' intra-node links carry nothing but collectives of groups inside
// the node. Their messages never share a link, so the replay computes when each member
// finishes instead of sending them.

#include <cstdint>
#include <memory>
#include <vector>

#include "sim/engine/replay.hpp"
#include "sim/engine/stage_program.hpp"
#include "sim/platform/simgrid_platform.hpp"

namespace dnnsim {

class PrivateCollectives {
 public:
  /// None: every collective is replayed message by message.
  PrivateCollectives() = default;

  /// Decides for the whole replay, from every stage's program and every rank's seat: private
  /// collectives exist only on dnnsim's own build of a crossbar or a hierarchical platform,
  /// with CM02; on a crossbar, when no message crosses between pipeline stages; on a
  /// hierarchical platform, when every group with two members in one node runs on private
  /// links (runs_on_private_links) with all its members in that node.
  PrivateCollectives(const SimPlatform& sim, const Platform& platform, const Plan& plan,
                     const ReplayOptions& options, const TaskGraphCompiler& compiler,
                     const std::vector<std::shared_ptr<const StageProgram>>& programs);

  /// Whether rank `rank`'s collective `task` of its stage's program, seated at `seat`, runs
  /// on private links.
  [[nodiscard]] bool applies(std::int64_t stage, std::size_t task, const Seat& seat,
                             std::int64_t group_size) const;

  [[nodiscard]] double latency_s() const noexcept { return latency_s_; }
  [[nodiscard]] double bandwidth() const noexcept { return bandwidth_; }

 private:
  [[nodiscard]] bool one_node(const Seat& seat, std::int64_t group_size) const;

  std::vector<std::int64_t> node_of_rank_;
  std::vector<std::vector<std::uint8_t>> eligible_;  ///< [stage][task]
  bool any_group_ = false;  ///< a crossbar: every group's links are its own
  double latency_s_ = 0.0;
  double bandwidth_ = 0.0;
};

}  // namespace dnnsim
