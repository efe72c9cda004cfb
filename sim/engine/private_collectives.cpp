#include "sim/engine/private_collectives.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <tuple>

#include <simgrid/s4u.hpp>

#include "sim/strategy/placement.hpp"
#include "sim/taskgraph/private_schedule.hpp"

namespace sg4 = simgrid::s4u;

namespace dnnsim {
namespace {

enum class Spread : std::uint8_t { one_node, apart, mixed };

}  // namespace

PrivateCollectives::PrivateCollectives(
    const SimPlatform& sim, const Platform& platform, const Plan& plan,
    const ReplayOptions& options, const TaskGraphCompiler& compiler,
    const std::vector<std::shared_ptr<const StageProgram>>& programs) {
  const bool cm02 = options.network_model.empty() || options.network_model == "CM02";
  // On a crossbar every host has links of its own; on a hierarchical platform, only the
  // links to a node's switch, which carry nothing but the node's own traffic.
  const bool crossbar = platform.network.topology == Topology::crossbar;
  if (!options.private_collectives || !cm02 || !platform.simgrid_xml.empty() ||
      sim.hosts.size() < 2 || (!crossbar && sim.accelerators_per_node < 2)) {
    return;
  }
  any_group_ = crossbar;
  node_of_rank_.resize(static_cast<std::size_t>(plan.procs));
  for (std::int64_t rank = 0; rank < plan.procs; ++rank) {
    node_of_rank_[static_cast<std::size_t>(rank)] =
        host_of(rank, plan.grid, options.placement) / sim.accelerators_per_node;
  }
  // Every distinct collective of a stage's program (they repeat per microbatch), with every
  // rank of the stage seated in it: the intra-node links are private only if each group
  // with two members in one node has them all there and runs on private links.
  const std::int64_t size = plan.stage_procs();
  std::map<std::tuple<CollectiveOp, Algorithm, std::int64_t>, bool> shapes;
  std::vector<std::vector<std::uint8_t>> eligible(programs.size());
  for (std::size_t stage = 0; stage < programs.size(); ++stage) {
    const TaskGraph& g = programs[stage]->tasks.graph;
    eligible[stage].assign(boost::num_vertices(g), 0);
    std::map<std::tuple<std::uint32_t, Group, CollectiveOp, std::int64_t, std::int64_t,
                        std::int64_t, bool>,
             bool>
        kinds;  // -> eligible
    for (std::size_t v = 0; v < boost::num_vertices(g); ++v) {
      const Task& t = g[v];
      if (t.type != TaskType::collective || t.group_size < 2) continue;
      const auto key = std::make_tuple(t.layer, t.group, t.op, t.group_size, t.group_rank,
                                       t.group_stride, t.across_stages);
      auto it = kinds.find(key);
      if (it == kinds.end()) {
        const auto shape = std::make_tuple(t.op, options.algorithm, t.group_size);
        auto s = shapes.find(shape);
        if (s == shapes.end()) {
          s = shapes.emplace(shape, runs_on_private_links(t.op, options.algorithm, t.group_size))
                  .first;
        }
        const bool ok = !t.across_stages && s->second;
        // A stage's sends leave without waiting for their receive, and may share a link
        // with a private collective's virtual messages.
        if (crossbar && t.across_stages) return;
        for (std::int64_t r = 0; !crossbar && r < size; ++r) {
          const std::int64_t rank = static_cast<std::int64_t>(stage) * size + r;
          const Seat seat = compiler.seat(t, rank);
          std::vector<std::int64_t> nodes;
          for (std::int64_t k = 0; k < t.group_size; ++k) {
            nodes.push_back(node_of_rank_[static_cast<std::size_t>(seat.member(k))]);
          }
          std::sort(nodes.begin(), nodes.end());
          const bool together = nodes.front() == nodes.back();
          const bool apart = std::adjacent_find(nodes.begin(), nodes.end()) == nodes.end();
          if (!together && !apart) return;  // shares a node's links with another group
          if (together && !ok) return;      // messages of its own on a node's links
        }
        it = kinds.emplace(key, ok).first;
      }
      eligible[stage][v] = it->second ? 1 : 0;
    }
  }
  // Every intra-node route is built alike (docs/platforms.md): one accelerator's link up to
  // the node's switch, the other's down.
  std::vector<sg4::Link*> links;
  double latency = 0.0;
  sim.hosts.at(0)->route_to(sim.hosts.at(1), links, &latency);
  double bandwidth = std::numeric_limits<double>::infinity();
  for (const sg4::Link* link : links) bandwidth = std::min(bandwidth, link->get_bandwidth());
  eligible_ = std::move(eligible);
  latency_s_ = latency;
  bandwidth_ = bandwidth;
}

bool PrivateCollectives::one_node(const Seat& seat, std::int64_t group_size) const {
  const std::int64_t node = node_of_rank_[static_cast<std::size_t>(seat.member(0))];
  for (std::int64_t k = 1; k < group_size; ++k) {
    if (node_of_rank_[static_cast<std::size_t>(seat.member(k))] != node) return false;
  }
  return true;
}

bool PrivateCollectives::applies(std::int64_t stage, std::size_t task, const Seat& seat,
                                 std::int64_t group_size) const {
  if (eligible_.empty()) return false;
  return eligible_[static_cast<std::size_t>(stage)][task] != 0 &&
         (any_group_ || one_node(seat, group_size));
}

}  // namespace dnnsim
