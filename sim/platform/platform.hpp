#pragma once
// A machine: its processing devices and the network joining them, as the platform YAML
// describes it (docs/design.md "Inputs", docs/platforms.md). Plain data; the SimGrid zone
// builders turn it into a simulated platform.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dnnsim {

enum class Topology : std::uint8_t { crossbar, fat_tree, torus, dragonfly, hierarchical };

[[nodiscard]] std::string_view to_string(Topology topology) noexcept;
[[nodiscard]] std::optional<Topology> topology_from_string(std::string_view name) noexcept;

/// SimGrid's FatTreeParams: per level, children per switch, parents per node and links
/// between each parent / child pair.
struct FatTreeParams {
  int levels = 0;
  std::vector<int> down;
  std::vector<int> up;
  std::vector<int> link_counts;
};

/// SimGrid's DragonflyParams: groups, chassis per group, routers per chassis, nodes per
/// router, and the number of links joining each of the first three.
struct DragonflyParams {
  int groups = 0;
  int group_links = 1;
  int chassis = 0;
  int chassis_links = 1;
  int routers = 0;
  int router_links = 1;
  int nodes = 0;  ///< per router
};

/// Several accelerators per node joined by a fast intra-node network; the nodes are
/// joined by `network` (crossbar or fat-tree).
struct HierarchicalParams {
  int accelerators = 1;                ///< per node
  double latency_s = 0.0;              ///< intra-node, one message
  double bandwidth_bytes_per_s = 0.0;  ///< intra-node, one accelerator's link
  Topology inter = Topology::crossbar;
};

/// One processing device: the thing one process runs on (a CPU node, or one accelerator
/// of a hierarchical node).
struct Device {
  double flops = 0.0;       ///< peak FLOP/s
  double efficiency = 1.0;  ///< fraction of peak that training kernels reach (the default)
  /// Layer types whose kernels reach another fraction (`efficiency: {default: 0.5,
  /// attention: 0.35}`), by the type's name; the model checks the names.
  std::map<std::string, double, std::less<>> efficiency_by_type;
  std::optional<double> memory_bytes;  ///< none for a SimGrid XML platform, which states none
  /// Bytes per second between the device and its memory: with it, a layer costs at least
  /// the time to move its bytes (docs/model.md, "Compute: the roofline"); none: bytes are free.
  std::optional<double> memory_bandwidth_bytes_per_s;
  double memory_efficiency = 1.0;  ///< fraction of memory_bandwidth reached

  [[nodiscard]] double sustained_flops() const noexcept { return flops * efficiency; }
  /// The efficiency of `type`'s kernels: its own, else the default.
  [[nodiscard]] double efficiency_of(std::string_view type) const noexcept {
    const auto it = efficiency_by_type.find(type);
    return it == efficiency_by_type.end() ? efficiency : it->second;
  }
};

struct NetworkSpec {
  Topology topology = Topology::crossbar;
  double latency_s = 0.0;              ///< alpha: one message, end to end
  double bandwidth_bytes_per_s = 0.0;  ///< 1 / beta: one link
  FatTreeParams fat_tree;
  std::vector<int> torus_dims;
  DragonflyParams dragonfly;
  HierarchicalParams hierarchical;
};

struct Platform {
  std::string name;
  std::string file;  ///< where it was loaded from, for messages
  /// A SimGrid XML platform the SimGrid engine replays as it is, instead of building one
  /// from `network` (docs/platforms.md, "SimGrid XML platforms"); empty for YAML platforms.
  std::string simgrid_xml;
  std::int64_t nodes = 0;
  Device node;
  NetworkSpec network;

  /// Processes the machine can host: nodes, times accelerators per node when hierarchical.
  [[nodiscard]] std::int64_t hosts() const noexcept {
    return network.topology == Topology::hierarchical
               ? nodes * static_cast<std::int64_t>(network.hierarchical.accelerators)
               : nodes;
  }
  [[nodiscard]] double alpha_s() const noexcept { return network.latency_s; }
  [[nodiscard]] double beta_s_per_byte() const noexcept {
    return 1.0 / network.bandwidth_bytes_per_s;
  }
};

}  // namespace dnnsim
