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
  /// Every host built, in host-index order: node-major, then accelerator within a node
  /// (hierarchical). Rank r runs on hosts[r]. Each host runs at the node's sustained rate
  /// (flops * efficiency) on one core.
  std::vector<simgrid::s4u::Host*> hosts;
  int accelerators_per_node = 1;  ///< hosts that share a node (1 unless hierarchical)
};

/// Configures the network model and builds the platform's zones in `engine` (which must
/// not have a platform yet; throws std::logic_error otherwise). At least `hosts_needed`
/// hosts are built (the whole topology for fat-tree, torus, dragonfly and hierarchical;
/// exactly `hosts_needed` for a crossbar).
/// Each link carries alpha / (mean number of links between two hosts), so a message
/// between two random hosts costs alpha on average; a crossbar message costs exactly
/// alpha + beta * n. Cross-traffic and the TCP window are off on every built platform.
/// `network_model` is SimGrid's network/model: "" means CM02 on every topology (SimGrid's
/// own default, LV08, only when asked for, like SMPI and IB). Details: simgrid_platform.cpp.
/// Throws InputError if the platform has fewer hosts than needed, the network model is
/// unknown, or SimGrid 3.32 cannot simulate the topology (a dragonfly with more groups
/// than routers per chassis).
[[nodiscard]] SimPlatform build_simgrid_platform(simgrid::s4u::Engine& engine,
                                                 const Platform& platform,
                                                 std::int64_t hosts_needed,
                                                 const std::string& network_model);

/// Throws std::logic_error when `engine` already has a platform (build one per process).
void require_no_platform(const simgrid::s4u::Engine& engine);

/// Loads a SimGrid XML platform file as is (its own <config> included, nothing else set);
/// hosts sorted by name in natural order (host2 before host10). Throws InputError if the
/// file is missing, unreadable or malformed, or has fewer hosts than needed.
[[nodiscard]] SimPlatform load_simgrid_xml(simgrid::s4u::Engine& engine, const std::string& path,
                                           std::int64_t hosts_needed);

}  // namespace dnnsim
