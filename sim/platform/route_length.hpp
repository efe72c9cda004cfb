#pragma once
// How a platform's end-to-end latency (alpha) is divided among the links of a topology:
// each link carries alpha / L, L the mean number of links on SimGrid's route between two
// distinct endpoints (see sim/platform/simgrid_platform.cpp). Pure arithmetic, shared by the
// SimGrid builder and the XML exporter.

#include <vector>

#include "sim/platform/platform.hpp"

namespace dnnsim {

/// Mean links on a route between two leaves: 2 * (level of their lowest common switch).
[[nodiscard]] double fat_tree_mean_links(const FatTreeParams& tree);
/// SimGrid routes each dimension the short way round: the sum of the mean ring distances.
[[nodiscard]] double torus_mean_links(const std::vector<int>& dims);
/// SimGrid 3.32's minimal dragonfly route, averaged over pairs.
[[nodiscard]] double dragonfly_mean_links(const DragonflyParams& fly);

}  // namespace dnnsim
