#include <doctest/doctest.h>

#include "helpers.hpp"
#include "sim/common/error.hpp"
#include "sim/platform/platform_loader.hpp"
#include "sim/platform/platform_size.hpp"

using namespace dnnsim;

TEST_CASE("a fat-tree's size counts leaves, switches per level and links between levels") {
  // platforms/fat-tree.yaml: down [32, 16], up [1, 16]: 512 nodes; 16 leaf switches (one
  // parent each) and 16 spines; 512 node links and 16 * 16 leaf-to-spine links.
  const PlatformSize size = simgrid_size(load_platform(test::preset("platforms", "fat-tree")), 2);
  CHECK(size.hosts == 512);
  CHECK(size.routers == 32);
  CHECK(size.links == 512 + 256);
  CHECK(size.elements() == 1312);
}

TEST_CASE("a crossbar builds only the hosts asked for, each with its link") {
  const PlatformSize size = simgrid_size(load_platform(test::preset("platforms", "crossbar")), 64);
  CHECK(size.hosts == 64);
  CHECK(size.routers == 0);
  CHECK(size.links == 64);
}

TEST_CASE("a platform beyond 2^20 elements is refused with its size, one within is built") {
  Platform torus = load_platform(test::preset("platforms", "future-torus"));
  CHECK_NOTHROW(require_simgrid_buildable(torus, 2));
  torus.nodes = 4096 * 512;  // 2,097,152 nodes, 3 dimensions: 8,388,608 elements
  torus.network.torus_dims = {128, 128, 128};
  try {
    require_simgrid_buildable(torus, 2);
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    CHECK(e.key() == "network");
    CHECK(
        e.detail().starts_with("SimGrid would build 2,097,152 hosts, 0 switches and 6,291,456 "
                               "links for this torus platform (8,388,608 elements)"));
  }
}

TEST_CASE("a hierarchical fat-tree builds each bundle of parallel cables as one link") {
  // platforms/dgx-h100.yaml: 32 nodes of 8, down [8, 4], up [1, 8], 8 cables everywhere:
  // links of 8 cables each; 4 leaf switches and 8 spines, 32 node links and 4 * 8 up.
  // Per node a zone and a gateway, and two links (NVLink, NIC) per accelerator.
  const Platform dgx = load_platform(test::preset("platforms", "dgx-h100"));
  const BundledFatTree bundled = bundle_cables(dgx.network.fat_tree);
  CHECK(bundled.cables == 8);
  CHECK(bundled.tree.link_counts == std::vector<int>{1, 1});
  CHECK(bundled.tree.down == dgx.network.fat_tree.down);
  CHECK(bundled.tree.up == dgx.network.fat_tree.up);
  const PlatformSize size = simgrid_size(dgx, 2);
  CHECK(size.hosts == 256);
  CHECK(size.routers == 2 * 32 + 12);
  CHECK(size.links == 2 * 256 + 32 + 32);
}

TEST_CASE("unequal cable counts keep their ratio: only their common divisor is bundled") {
  FatTreeParams tree{.levels = 3, .down = {4, 4, 2}, .up = {1, 4, 4}, .link_counts = {8, 4, 6}};
  const BundledFatTree bundled = bundle_cables(tree);
  CHECK(bundled.cables == 2);
  CHECK(bundled.tree.link_counts == std::vector<int>{4, 2, 3});
  tree.link_counts = {1, 3, 5};
  CHECK(bundle_cables(tree).cables == 1);
  CHECK(bundle_cables(tree).tree.link_counts == std::vector<int>{1, 3, 5});
}
