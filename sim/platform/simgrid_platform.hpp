#pragma once
// Builds a Platform as SimGrid zones (only this module and sim/engine see SimGrid).

#include <cstdint>
#include <string>
#include <vector>

#include "sim/platform/platform.hpp"

namespace simgrid::s4u {
class Engine;
class Host;
}  // namespace simgrid::s4u

namespace dnnsim {

struct SimPlatform {
  /// Hosts in host-index order: node-major, then accelerator within a node (hierarchical).
  std::vector<simgrid::s4u::Host*> hosts;
  int accelerators_per_node = 1;  ///< hosts that share a node (1 unless hierarchical)
};

/// Configures the network model and builds the platform's zones in `engine` (which must
/// not have a platform yet). At least `hosts_needed` hosts are built (the whole topology
/// for fat-tree, torus, dragonfly and hierarchical; only `hosts_needed` for a crossbar).
/// `network_model` is SimGrid's network/model ("" picks CM02 for crossbar, the user's
/// default otherwise). Throws InputError if the platform has fewer hosts than needed.
[[nodiscard]] SimPlatform build_simgrid_platform(simgrid::s4u::Engine& engine,
                                                 const Platform& platform,
                                                 std::int64_t hosts_needed,
                                                 const std::string& network_model);

/// Loads a SimGrid XML platform file as is; hosts sorted by name in natural order
/// (host2 before host10).
[[nodiscard]] SimPlatform load_simgrid_xml(simgrid::s4u::Engine& engine, const std::string& path,
                                           std::int64_t hosts_needed);

}  // namespace dnnsim
