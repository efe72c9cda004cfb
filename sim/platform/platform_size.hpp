#pragma once
// How much SimGrid must build for a platform: hosts, routers (switches) and links. The
// SimGrid engine builds the whole topology of a fat-tree, torus, dragonfly or hierarchical
// machine (only the hosts asked for of a crossbar), and SimGrid 3.32 needs about 1.5 kB and
// superlinear time per element (a fat-tree of 200,000 elements: 313 MB and 20 s), so the
// size is checked before anything is built. What a hierarchical platform's fat-tree is
// built as (bundle_cables) is here too, since the size and the builder both follow it.

#include <cstdint>
#include <string>

#include "sim/platform/platform.hpp"

namespace dnnsim {

struct PlatformSize {
  double hosts = 0.0;
  double routers = 0.0;
  double links = 0.0;

  [[nodiscard]] double elements() const noexcept { return hosts + routers + links; }
};

/// The fat-tree built between the nodes of a hierarchical platform. SimGrid's fat-tree sends
/// everything from one node to another over one of its parallel cables (chosen by the
/// destination), where rails and adaptive routing spread it; so each bundle of parallel
/// cables is built as one link `cables` times as fast (docs/platforms.md, "Hierarchical").
struct BundledFatTree {
  FatTreeParams tree;  // link_counts divided by `cables`
  int cables = 1;      // the cables each built link stands for: the gcd of link_counts
};
[[nodiscard]] BundledFatTree bundle_cables(const FatTreeParams& tree);

/// The largest platform the SimGrid engine builds: 2^20 = 1,048,576 elements (about 1.5 GB
/// and minutes of SimGrid's own building).
inline constexpr double kMaxSimGridElements = 1048576.0;

/// What SimGrid builds for `platform` when `hosts_needed` ranks run (doubles: a platform
/// file may describe more than 2^64 of them).
[[nodiscard]] PlatformSize simgrid_size(const Platform& platform, std::int64_t hosts_needed);

/// Throws InputError naming the platform file, its size and the limit when SimGrid would
/// have to build more than kMaxSimGridElements.
void require_simgrid_buildable(const Platform& platform, std::int64_t hosts_needed);

}  // namespace dnnsim
