#include "sim/platform/platform_size.hpp"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "sim/common/error.hpp"

namespace dnnsim {
namespace {

// SimGrid's fat-tree: prod(down) leaves; above level i, prod(down[i..]) * prod(up[..i])
// switches; between level i and i + 1, (elements of level i) * up[i] * link_counts[i] links.
PlatformSize fat_tree_size(const FatTreeParams& t) {
  PlatformSize size;
  const auto levels = static_cast<std::size_t>(t.levels);
  std::vector<double> at_level(levels + 1, 1.0);
  for (std::size_t i = 0; i <= levels; ++i) {
    for (std::size_t k = i; k < levels; ++k) at_level[i] *= t.down[k];
    for (std::size_t k = 0; k < i; ++k) at_level[i] *= t.up[k];
  }
  size.hosts = at_level[0];
  for (std::size_t i = 1; i <= levels; ++i) size.routers += at_level[i];
  for (std::size_t i = 0; i < levels; ++i) size.links += at_level[i] * t.up[i] * t.link_counts[i];
  return size;
}

/// 16777216 as "16,777,216"; beyond 10^15, "1.2e+18".
std::string count_text(double n) {
  if (n >= 1e15) return fmt::format("{:.3g}", n);
  const std::string digits = fmt::format("{:.0f}", n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

BundledFatTree bundle_cables(const FatTreeParams& tree) {
  BundledFatTree out{tree, 0};
  for (const int count : tree.link_counts) out.cables = std::gcd(out.cables, count);
  out.cables = std::max(out.cables, 1);
  for (int& count : out.tree.link_counts) count /= out.cables;
  return out;
}

PlatformSize simgrid_size(const Platform& platform, std::int64_t hosts_needed) {
  const NetworkSpec& net = platform.network;
  PlatformSize size;
  switch (net.topology) {
    case Topology::crossbar:  // only the hosts asked for, each with its private link
      size.hosts = static_cast<double>(hosts_needed);
      size.links = size.hosts;
      break;
    case Topology::fat_tree:
      size = fat_tree_size(net.fat_tree);
      break;
    case Topology::torus:  // a link per node and dimension
      size.hosts = static_cast<double>(platform.nodes);
      size.links = size.hosts * static_cast<double>(net.torus_dims.size());
      break;
    case Topology::dragonfly: {
      const DragonflyParams& d = net.dragonfly;
      const double routers = static_cast<double>(d.groups) * d.chassis * d.routers;
      size.hosts = routers * d.nodes;
      size.routers = routers;
      // Each node's link, and each router's links to the other routers of its chassis, to
      // the routers of the other chassis of its group and to the other groups.
      size.links = size.hosts + routers * (static_cast<double>(d.routers - 1) * d.router_links +
                                           static_cast<double>(d.chassis - 1) * d.chassis_links +
                                           static_cast<double>(d.groups - 1) * d.group_links);
      break;
    }
    case Topology::hierarchical: {
      // Per node a zone, a gateway and two links per accelerator; then the inter-node network.
      const double nodes = static_cast<double>(platform.nodes);
      const double accelerators = nodes * net.hierarchical.accelerators;
      size.hosts = accelerators;
      size.routers = 2.0 * nodes;
      size.links = 2.0 * accelerators;
      if (net.hierarchical.inter == Topology::fat_tree) {
        const PlatformSize tree = fat_tree_size(bundle_cables(net.fat_tree).tree);
        size.routers += tree.routers;
        size.links += tree.links;
      }
      break;
    }
  }
  return size;
}

void require_simgrid_buildable(const Platform& platform, std::int64_t hosts_needed) {
  const PlatformSize size = simgrid_size(platform, hosts_needed);
  if (size.elements() <= kMaxSimGridElements) return;
  throw InputError(
      platform.file, std::nullopt, "network",
      fmt::format("SimGrid would build {} hosts, {} switches and {} links for this {} platform "
                  "({} elements); dnnsim's SimGrid engine builds up to 2^20 = 1,048,576 "
                  "(about 1.5 GB and minutes of SimGrid's own building): describe fewer nodes, "
                  "or use the analytic engine",
                  count_text(size.hosts), count_text(size.routers), count_text(size.links),
                  to_string(platform.network.topology), count_text(size.elements())));
}

}  // namespace dnnsim
