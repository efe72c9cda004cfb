#include "sim/platform/simgrid_platform.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <functional>
#include <numeric>
#include <stdexcept>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <xbt/log.h>
#include <simgrid/s4u.hpp>

#include "sim/common/error.hpp"
#include "sim/common/log.hpp"
#include "sim/common/suggest.hpp"
#include "sim/platform/platform_size.hpp"
#include "sim/platform/route_length.hpp"
#include "sim/platform/simgrid_network_model.hpp"

// How the platform's end-to-end latency (alpha) is divided among links, on every topology:
// each link carries alpha / L, where L is the mean number of links on SimGrid's route over
// all ordered pairs of distinct endpoints (hosts; for the inter-node network of a
// hierarchical platform, nodes, counting the two NICs). So a message between two random hosts costs
// alpha on average, as in the analytic model, while near pairs pay less and far pairs more; the
// topology then changes times only through locality and contention, never through a different mean.
// L is 2 on a crossbar (two private links, alpha / 2 each: one message costs exactly
// alpha + beta * n), 2 * LCA level averaged for a fat-tree, the mean ring distance summed
// over dimensions for a torus, and the mean of SimGrid 3.32's minimal dragonfly route.

namespace sg4 = simgrid::s4u;

namespace dnnsim {
namespace {

using NetPoint = simgrid::kernel::routing::NetPoint;
/// What a cluster zone's netpoint callback returns: the leaf and its gateway (or nullptr).
using Leaf = std::pair<NetPoint*, NetPoint*>;
using Hosts = std::vector<sg4::Host*>;

[[noreturn]] void fail(const Platform& platform, const std::string& key,
                       const std::string& message) {
  throw InputError(platform.file, std::nullopt, key, message);
}

double host_speed(const Platform& platform) {
  return platform.node.sustained_flops();
}

sg4::Host* create_host(sg4::NetZone* zone, const std::string& name, double speed) {
  return zone->create_host(name, speed)->seal();
}

/// A split-duplex link: one direction's traffic never slows the other's.
sg4::Link* create_duplex_link(sg4::NetZone* zone, const std::string& name, double bandwidth,
                              double latency) {
  return zone->create_split_duplex_link(name, bandwidth)->set_latency(latency)->seal();
}

/// A leaf callback that creates one host per leaf and records it at its position.
std::function<sg4::ClusterCallbacks::ClusterNetPointCb> host_leaves(Hosts& hosts, double speed) {
  return [&hosts, speed](sg4::NetZone* zone, const std::vector<unsigned long>& /*coord*/,
                         unsigned long id) -> Leaf {
    sg4::Host* host = create_host(zone, fmt::format("host{}", id), speed);
    hosts.at(id) = host;
    return {host->get_netpoint(), nullptr};
  };
}

// ---- one function per topology ---------------------------------------------------------

/// The paper's ideal network: a private split-duplex link per host to a non-blocking star.
Hosts build_crossbar(const Platform& platform, std::int64_t hosts_needed) {
  const double latency = platform.network.latency_s / 2.0;
  const double speed = host_speed(platform);
  auto* star = sg4::create_star_zone("crossbar");
  Hosts hosts;
  hosts.reserve(static_cast<std::size_t>(hosts_needed));
  for (std::int64_t i = 0; i < hosts_needed; ++i) {
    const std::string name = fmt::format("host{}", i);
    sg4::Host* host = create_host(star, name, speed);
    sg4::Link* link =
        create_duplex_link(star, "link-" + name, platform.network.bandwidth_bytes_per_s, latency);
    star->add_route(host->get_netpoint(), nullptr, nullptr, nullptr,
                    {{link, sg4::LinkInRoute::Direction::UP}}, true);
    hosts.push_back(host);
  }
  star->seal();
  return hosts;
}

sg4::FatTreeParams to_simgrid(const FatTreeParams& tree) {
  auto unsigned_list = [](const std::vector<int>& values) {
    return std::vector<unsigned>(values.begin(), values.end());
  };
  return {static_cast<unsigned>(tree.levels), unsigned_list(tree.down), unsigned_list(tree.up),
          unsigned_list(tree.link_counts)};
}

Hosts build_fat_tree(const Platform& platform) {
  const auto& net = platform.network;
  Hosts hosts(static_cast<std::size_t>(platform.nodes));
  sg4::create_fatTree_zone(
      "fat-tree", nullptr, to_simgrid(net.fat_tree),
      sg4::ClusterCallbacks(host_leaves(hosts, host_speed(platform))), net.bandwidth_bytes_per_s,
      net.latency_s / fat_tree_mean_links(net.fat_tree), sg4::Link::SharingPolicy::SPLITDUPLEX)
      ->seal();
  return hosts;
}

Hosts build_torus(const Platform& platform) {
  const auto& net = platform.network;
  Hosts hosts(static_cast<std::size_t>(platform.nodes));
  const std::vector<unsigned long> dims(net.torus_dims.begin(), net.torus_dims.end());
  sg4::create_torus_zone(
      "torus", nullptr, dims, sg4::ClusterCallbacks(host_leaves(hosts, host_speed(platform))),
      net.bandwidth_bytes_per_s, net.latency_s / torus_mean_links(net.torus_dims),
      sg4::Link::SharingPolicy::SPLITDUPLEX)
      ->seal();
  return hosts;
}

Hosts build_dragonfly(const Platform& platform) {
  const auto& net = platform.network;
  const auto& fly = net.dragonfly;
  // SimGrid 3.32 routes to group g through router g of a chassis, and crashes (reading past
  // its router tables) when g >= routers: such dragonflies cannot be simulated.
  if (fly.groups > fly.routers) {
    fail(platform, "network.dragonfly",
         fmt::format("SimGrid 3.32's dragonfly links group g through router g of each chassis, so "
                     "it needs groups <= routers, got {} groups and {} routers",
                     fly.groups, fly.routers));
  }
  Hosts hosts(static_cast<std::size_t>(platform.nodes));
  const sg4::DragonflyParams params(
      {static_cast<unsigned>(fly.groups), static_cast<unsigned>(fly.group_links)},
      {static_cast<unsigned>(fly.chassis), static_cast<unsigned>(fly.chassis_links)},
      {static_cast<unsigned>(fly.routers), static_cast<unsigned>(fly.router_links)},
      static_cast<unsigned>(fly.nodes));
  sg4::create_dragonfly_zone("dragonfly", nullptr, params,
                             sg4::ClusterCallbacks(host_leaves(hosts, host_speed(platform))),
                             net.bandwidth_bytes_per_s, net.latency_s / dragonfly_mean_links(fly),
                             sg4::Link::SharingPolicy::SPLITDUPLEX)
      ->seal();
  return hosts;
}

/// One node of a hierarchical platform: a full zone of its accelerators and a gateway
/// router. Each accelerator has two private split-duplex links: one to the node's switch
/// (intra-node traffic: half the intra latency each way, as on a crossbar) and its own NIC
/// to the gateway (inter-node traffic). With one NIC per accelerator, the accelerators of a
/// node sending off the node at once do not share a link inside the node.
Leaf build_node(sg4::NetZone* parent, const Platform& platform, unsigned long node,
                double nic_latency, Hosts& hosts) {
  const auto& net = platform.network;
  const auto& intra = net.hierarchical;
  auto* zone = sg4::create_full_zone(fmt::format("node{}", node));
  zone->set_parent(parent);
  NetPoint* gateway = zone->create_router(fmt::format("node{}-gw", node));
  const auto up = sg4::LinkInRoute::Direction::UP;
  const auto down = sg4::LinkInRoute::Direction::DOWN;
  const auto first = node * static_cast<unsigned long>(intra.accelerators);  // host index
  std::vector<sg4::Host*> accelerators;
  std::vector<sg4::Link*> switch_links;
  for (int a = 0; a < intra.accelerators; ++a) {
    const std::string name = fmt::format("node{}-acc{}", node, a);
    sg4::Host* host = create_host(zone, name, host_speed(platform));
    sg4::Link* nic =
        create_duplex_link(zone, name + "-nic", net.bandwidth_bytes_per_s, nic_latency);
    zone->add_route(host->get_netpoint(), gateway, nullptr, nullptr, {{nic, up}}, true);
    accelerators.push_back(host);
    switch_links.push_back(create_duplex_link(zone, name + "-intra", intra.bandwidth_bytes_per_s,
                                              intra.latency_s / 2.0));
    hosts.at(first + static_cast<unsigned long>(a)) = host;
  }
  for (std::size_t a = 0; a < accelerators.size(); ++a) {
    for (std::size_t b = a + 1; b < accelerators.size(); ++b) {
      zone->add_route(accelerators[a]->get_netpoint(), accelerators[b]->get_netpoint(), nullptr,
                      nullptr, {{switch_links[a], up}, {switch_links[b], down}}, true);
    }
  }
  zone->seal();
  return {zone->get_netpoint(), gateway};
}

/// The fat-tree of the top-level subtrees holding the first `nodes` nodes of `tree`: routes
/// between them stay in those subtrees, so they are the whole tree's (docs/platforms.md).
FatTreeParams first_subtrees(const FatTreeParams& tree, std::int64_t nodes) {
  FatTreeParams out = tree;
  std::int64_t below = 1;  // nodes under one switch of the top level
  for (int i = 0; i + 1 < tree.levels; ++i) below *= tree.down[static_cast<std::size_t>(i)];
  out.down.back() =
      static_cast<int>(std::clamp<std::int64_t>((nodes + below - 1) / below, 1, tree.down.back()));
  return out;
}

/// Nodes joined by a crossbar (a star whose private links are the accelerators' NICs) or by
/// a fat-tree over the nodes (its node-to-switch links are the node's cables). Only the
/// nodes `hosts_needed` needs are built, with the whole platform's link latencies: same
/// times (tests/simgrid, `hierarchical.first_subtrees_*`).
Hosts build_hierarchical(const Platform& platform, std::int64_t hosts_needed) {
  const auto& net = platform.network;
  const std::int64_t per_node = net.hierarchical.accelerators;
  const std::int64_t nodes_needed = (hosts_needed + per_node - 1) / per_node;
  if (net.hierarchical.inter == Topology::crossbar) {
    Hosts hosts(static_cast<std::size_t>(nodes_needed * per_node));
    // Node to node: NIC, star, NIC: two links.
    const double nic_latency = net.latency_s / 2.0;
    auto* star = sg4::create_star_zone("inter");
    for (std::int64_t node = 0; node < nodes_needed; ++node) {
      const auto [zone, gateway] =
          build_node(star, platform, static_cast<unsigned long>(node), nic_latency, hosts);
      star->add_route(zone, nullptr, gateway, nullptr, {}, true);
    }
    star->seal();
    return hosts;
  }
  // Node to node: NIC, the fat-tree's route, NIC. Each bundle of parallel cables is one link
  // (bundle_cables): a message is held to its accelerator's NIC, not to one cable.
  const double link_latency = net.latency_s / (2.0 + fat_tree_mean_links(net.fat_tree));
  const BundledFatTree bundled = bundle_cables(net.fat_tree);
  const FatTreeParams tree = first_subtrees(bundled.tree, nodes_needed);
  Hosts hosts(static_cast<std::size_t>(
      std::accumulate(tree.down.begin(), tree.down.end(), per_node, std::multiplies<>())));
  auto node_leaves = [&platform, &hosts, link_latency](sg4::NetZone* zone,
                                                       const std::vector<unsigned long>& /*coord*/,
                                                       unsigned long id) {
    return build_node(zone, platform, id, link_latency, hosts);
  };
  sg4::create_fatTree_zone("inter", nullptr, to_simgrid(tree), sg4::ClusterCallbacks(node_leaves),
                           bundled.cables * net.bandwidth_bytes_per_s, link_latency,
                           sg4::Link::SharingPolicy::SPLITDUPLEX)
      ->seal();
  return hosts;
}

}  // namespace

void require_no_platform(const sg4::Engine& engine) {
  if (engine.get_netzone_root() != nullptr) {
    throw std::logic_error("the SimGrid engine already has a platform; build one per process");
  }
}

SimPlatform build_simgrid_platform(sg4::Engine& engine, const Platform& platform,
                                   std::int64_t hosts_needed, const std::string& network_model) {
  require_no_platform(engine);
  if (hosts_needed < 1) fail(platform, "", "a simulation needs at least one host");
  if (hosts_needed > platform.hosts()) {
    fail(platform, "",
         fmt::format("platform '{}' has {} hosts, but {} are needed", platform.name,
                     platform.hosts(), hosts_needed));
  }
  configure_network(network_model);
  SimPlatform sim;
  try {
    switch (platform.network.topology) {
      case Topology::crossbar:
        sim.hosts = build_crossbar(platform, hosts_needed);
        break;
      case Topology::fat_tree:
        sim.hosts = build_fat_tree(platform);
        break;
      case Topology::torus:
        sim.hosts = build_torus(platform);
        break;
      case Topology::dragonfly:
        sim.hosts = build_dragonfly(platform);
        break;
      case Topology::hierarchical:
        sim.hosts = build_hierarchical(platform, hosts_needed);
        sim.accelerators_per_node = platform.network.hierarchical.accelerators;
        break;
    }
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {  // SimGrid's zone builders throw on bad parameters
    fail(platform, "network", fmt::format("SimGrid cannot build this network: {}", e.what()));
  }
  const auto log = logger("platform");
  if (log->should_log(spdlog::level::debug)) {
    const auto& engine_links = engine.get_all_links();
    log->debug("{}: {} built with {} hosts and {} links, network model {}; rank hosts {} .. {}",
               platform.name, to_string(platform.network.topology), engine.get_host_count(),
               engine_links.size(), network_model.empty() ? "CM02" : network_model,
               sim.hosts.front()->get_name(), sim.hosts.back()->get_name());
    if (!engine_links.empty()) {
      log->debug("{}: a link carries {:.6g} s of latency and {:.6g} B/s", platform.name,
                 engine_links.front()->get_latency(), engine_links.front()->get_bandwidth());
    }
  }
  return sim;
}

}  // namespace dnnsim
