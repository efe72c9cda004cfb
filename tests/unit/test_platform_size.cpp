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
