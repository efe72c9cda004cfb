#include "sim/platform/route_length.hpp"

#include <cstdint>

namespace dnnsim {

/// Links between two leaves whose lowest common switch is at level l: 2 * l.
double fat_tree_mean_links(const FatTreeParams& tree) {
  double below = 1.0;  // leaves under one switch of the current level
  double pairs = 0.0;
  double links = 0.0;
  for (int level = 1; level <= tree.levels; ++level) {
    const double under = below * tree.down[static_cast<std::size_t>(level - 1)];
    links += 2.0 * level * (under - below);
    pairs += under - below;
    below = under;
  }
  return pairs > 0.0 ? links / pairs : 2.0;
}

/// SimGrid routes each dimension the short way round: sum of the mean ring distances.
double torus_mean_links(const std::vector<int>& dims) {
  double hosts = 1.0;
  double mean_with_self = 0.0;  // over all ordered pairs, a host with itself included
  for (const int k : dims) {
    hosts *= k;
    mean_with_self += static_cast<double>((std::int64_t{k} * k) / 4) / k;
  }
  return hosts > 1.0 ? mean_with_self * hosts / (hosts - 1.0) : 1.0;
}

/// SimGrid 3.32's minimal route: node-router, then within a group a green (blade) and a
/// black (chassis) hop as needed; between groups, to router `target group` of chassis 0 of
/// the source group, the blue link to router `source group` of chassis 0 of the target
/// group, then on to the destination router; router-node.
double dragonfly_mean_links(const DragonflyParams& fly) {
  const double g = fly.groups;
  const double c = fly.chassis;
  const double r = fly.routers;
  const double n = fly.nodes;
  const double hosts = g * c * r * n;
  if (hosts <= 1.0) return 2.0;
  const double same_router = 2.0 * (n - 1.0);
  const double same_group = n * (3.0 * (r - 1.0) + 3.0 * (c - 1.0) + 4.0 * (r - 1.0) * (c - 1.0));
  const double other_groups =
      (g - 1.0) * c * r * n * (3.0 + 2.0 * (r - 1.0) / r + 2.0 * (c - 1.0) / c);
  return (same_router + same_group + other_groups) / (hosts - 1.0);
}

}  // namespace dnnsim
