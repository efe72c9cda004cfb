#include "sim/platform/platform_loader.hpp"

#include <algorithm>
#include <array>
#include <limits>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/common/bounds.hpp"
#include "sim/common/error.hpp"
#include "sim/common/suggest.hpp"
#include "sim/common/yaml_map.hpp"

namespace dnnsim {
namespace {

constexpr std::array<std::pair<Topology, std::string_view>, 5> kTopologies{{
    {Topology::crossbar, "crossbar"},
    {Topology::fat_tree, "fat-tree"},
    {Topology::torus, "torus"},
    {Topology::dragonfly, "dragonfly"},
    {Topology::hierarchical, "hierarchical"},
}};

int small_int(const YamlMap& map, std::string_view key) {
  const std::int64_t value = map.positive_int(key);
  if (value > std::numeric_limits<int>::max()) {
    map.fail(key, fmt::format("{} is too large; expected at most {}", value,
                              std::numeric_limits<int>::max()));
  }
  return static_cast<int>(value);
}

std::vector<int> small_int_list(const YamlMap& map, std::string_view key) {
  std::vector<int> out;
  for (const auto v : map.positive_int_list(key)) {
    if (v > std::numeric_limits<int>::max()) {
      map.fail(key, fmt::format("holds {}, too large; expected values up to {}", v,
                                std::numeric_limits<int>::max()));
    }
    out.push_back(static_cast<int>(v));
  }
  return out;
}

// The product of positive values, or nothing beyond kMaxInteger.
std::optional<std::int64_t> product(const std::vector<int>& values) {
  std::int64_t out = 1;
  for (const int v : values) {
    if (v > kMaxInteger / out) return std::nullopt;
    out *= v;
  }
  return out;
}

std::string product_text(std::optional<std::int64_t> value) {
  return value ? std::to_string(*value) : fmt::format("more than 2^40 = {}", kMaxInteger);
}

// Rates: positive, and large enough that no time comes out infinite.
double rate(const YamlMap& map, std::string_view key) {
  return map.number_in(key, 1.0, 1e30);
}

FatTreeParams parse_fat_tree(const YamlMap& network, std::int64_t nodes) {
  const YamlMap tree(network.node("fat_tree"), network.file(), network.key_path("fat_tree"));
  tree.require_known_keys({"levels", "down", "up", "link_counts"});
  FatTreeParams p;
  p.levels = small_int(tree, "levels");
  p.down = small_int_list(tree, "down");
  p.up = small_int_list(tree, "up");
  p.link_counts = small_int_list(tree, "link_counts");
  for (const std::string_view key : {"down", "up", "link_counts"}) {
    const auto& list = key == "down" ? p.down : key == "up" ? p.up : p.link_counts;
    if (static_cast<int>(list.size()) != p.levels) {
      tree.fail(key,
                fmt::format("expected {} values (one per level), got {}", p.levels, list.size()));
    }
  }
  if (product(p.down) != nodes) {
    tree.fail("down", fmt::format("the product of down ({}) is the number of leaves and must "
                                  "equal nodes = {}",
                                  product_text(product(p.down)), nodes));
  }
  return p;
}

DragonflyParams parse_dragonfly(const YamlMap& network, std::int64_t nodes) {
  const YamlMap fly(network.node("dragonfly"), network.file(), network.key_path("dragonfly"));
  fly.require_known_keys(
      {"groups", "group_links", "chassis", "chassis_links", "routers", "router_links", "nodes"});
  DragonflyParams p;
  p.groups = small_int(fly, "groups");
  p.chassis = small_int(fly, "chassis");
  p.routers = small_int(fly, "routers");
  p.nodes = small_int(fly, "nodes");
  if (fly.has("group_links")) p.group_links = small_int(fly, "group_links");
  if (fly.has("chassis_links")) p.chassis_links = small_int(fly, "chassis_links");
  if (fly.has("router_links")) p.router_links = small_int(fly, "router_links");
  const auto total = product({p.groups, p.chassis, p.routers, p.nodes});
  if (total != nodes) {
    fly.fail("", fmt::format("groups x chassis x routers x nodes = {} must equal nodes = {}",
                             product_text(total), nodes));
  }
  return p;
}

}  // namespace

std::string_view to_string(Topology topology) noexcept {
  for (const auto& [t, name] : kTopologies) {
    if (t == topology) return name;
  }
  return "crossbar";
}

std::optional<Topology> topology_from_string(std::string_view name) noexcept {
  for (const auto& [t, n] : kTopologies) {
    if (n == name) return t;
  }
  return std::nullopt;
}

Platform parse_platform(const YAML::Node& root, const std::string& file) {
  const YamlMap top(root, file, "");
  top.require_known_keys({"name", "nodes", "node", "network"});
  Platform p;
  p.file = file;
  p.name = top.string("name");
  p.nodes = top.positive_int("nodes");

  const YamlMap node(top.node("node"), file, "node");
  node.require_known_keys(
      {"flops", "efficiency", "memory", "memory_bandwidth", "memory_efficiency"});
  p.node.flops = rate(node, "flops");
  if (node.node("efficiency").IsMap()) {
    // {default: 0.5, attention: 0.35}: a fraction per layer type, and one for the others.
    const YamlMap by_type(node.node("efficiency"), file, "node.efficiency");
    p.node.efficiency = by_type.number_in("default", 1e-6, 1.0);
    for (const auto& entry : node.node("efficiency")) {
      const std::string type = entry.first.Scalar();
      if (type != "default") p.node.efficiency_by_type[type] = by_type.number_in(type, 1e-6, 1.0);
    }
  } else {
    p.node.efficiency = node.number_in("efficiency", 1e-6, 1.0);
  }
  p.node.memory_bytes = node.positive_number("memory");
  if (node.has("memory_bandwidth")) {
    p.node.memory_bandwidth_bytes_per_s = rate(node, "memory_bandwidth");
  }
  if (node.has("memory_efficiency")) {
    if (!p.node.memory_bandwidth_bytes_per_s) {
      node.fail("memory_efficiency", "is read only with memory_bandwidth");
    }
    p.node.memory_efficiency = node.number_in("memory_efficiency", 1e-6, 1.0);
  }

  const YamlMap net(top.node("network"), file, "network");
  const std::string topology = net.string("topology");
  const auto parsed = topology_from_string(topology);
  if (!parsed) {
    std::vector<std::string_view> names;
    for (const auto& entry : kTopologies) names.push_back(entry.second);
    net.fail("topology", unknown_name("topology", topology, names));
  }
  p.network.topology = *parsed;
  // Each topology's keys, checked before any is read: a typo is named as such.
  switch (p.network.topology) {
    case Topology::crossbar:
      net.require_known_keys({"topology", "latency", "bandwidth"});
      break;
    case Topology::fat_tree:
      net.require_known_keys({"topology", "latency", "bandwidth", "fat_tree"});
      break;
    case Topology::torus:
      net.require_known_keys({"topology", "latency", "bandwidth", "torus"});
      break;
    case Topology::dragonfly:
      net.require_known_keys({"topology", "latency", "bandwidth", "dragonfly"});
      break;
    case Topology::hierarchical:
      net.require_known_keys({"topology", "latency", "bandwidth", "hierarchical", "fat_tree"});
      break;
  }
  p.network.latency_s = net.number_in("latency", 0.0, 1.0);
  p.network.bandwidth_bytes_per_s = rate(net, "bandwidth");

  switch (p.network.topology) {
    case Topology::crossbar:
      break;
    case Topology::fat_tree:
      p.network.fat_tree = parse_fat_tree(net, p.nodes);
      break;
    case Topology::torus: {
      const YamlMap torus(net.node("torus"), file, "network.torus");
      torus.require_known_keys({"dims"});
      p.network.torus_dims = small_int_list(torus, "dims");
      if (std::count(p.network.torus_dims.begin(), p.network.torus_dims.end(), 1) > 1) {
        // SimGrid 3.32 names a ring's link after its two ends: two rings of one node give
        // two links of one name, and it aborts.
        torus.fail("dims",
                   "SimGrid 3.32 aborts on a torus with two dimensions of size 1; "
                   "drop them (a dimension of size 1 adds no link)");
      }
      if (product(p.network.torus_dims) != p.nodes) {
        torus.fail("dims", fmt::format("the product of dims ({}) must equal nodes = {}",
                                       product_text(product(p.network.torus_dims)), p.nodes));
      }
      break;
    }
    case Topology::dragonfly:
      p.network.dragonfly = parse_dragonfly(net, p.nodes);
      break;
    case Topology::hierarchical: {
      const YamlMap h(net.node("hierarchical"), file, "network.hierarchical");
      h.require_known_keys({"accelerators", "latency", "bandwidth", "inter"});
      auto& hp = p.network.hierarchical;
      hp.accelerators = small_int(h, "accelerators");
      if (hp.accelerators > kMaxInteger / p.nodes) {
        h.fail("accelerators",
               fmt::format("nodes x accelerators is more than 2^40 = {} hosts", kMaxInteger));
      }
      hp.latency_s = h.number_in("latency", 0.0, 1.0);
      hp.bandwidth_bytes_per_s = rate(h, "bandwidth");
      const std::string inter = h.string("inter");
      if (inter == "crossbar") {
        hp.inter = Topology::crossbar;
        if (net.has("fat_tree")) net.fail("fat_tree", "is only read when inter is fat-tree");
      } else if (inter == "fat-tree") {
        hp.inter = Topology::fat_tree;
        p.network.fat_tree = parse_fat_tree(net, p.nodes);
      } else {
        constexpr std::array<std::string_view, 2> kInter{"crossbar", "fat-tree"};
        h.fail("inter", unknown_name("inter-node topology", inter, kInter));
      }
      break;
    }
  }
  return p;
}

Platform load_platform(const std::string& path) {
  return parse_platform(load_yaml_file(path, "platform"), path);
}

}  // namespace dnnsim
