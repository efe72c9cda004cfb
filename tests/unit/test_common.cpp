#include <doctest/doctest.h>

#include <array>

#include "sim/common/suggest.hpp"
#include "sim/strategy/process_grid.hpp"

using namespace dnnsim;

TEST_CASE("edit distance counts insertions, deletions and substitutions") {
  CHECK(edit_distance("kernel", "kernel") == 0);
  CHECK(edit_distance("kernal", "kernel") == 1);
  CHECK(edit_distance("conv2", "conv2d") == 1);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("stride", "padding") == 6);
}

TEST_CASE("did-you-mean suggests only close names") {
  const std::array<std::string_view, 3> keys{"kernel", "stride", "padding"};
  CHECK(did_you_mean("kernal", keys) == " (did you mean 'kernel'?)");
  CHECK(did_you_mean("banana", keys).empty());
}

TEST_CASE("grids parse as PRxPC and factorizations list every one") {
  CHECK(parse_grid("8x64") == ProcessGrid{8, 64});
  CHECK_FALSE(parse_grid("8X64"));
  CHECK_FALSE(parse_grid("0x4"));
  CHECK_FALSE(parse_grid("8x"));
  CHECK_FALSE(parse_grid("-2x4"));
  CHECK_FALSE(parse_grid("2x4x1"));
  const auto grids = factorizations(12);
  REQUIRE(grids.size() == 6);
  CHECK(grids.front() == ProcessGrid{1, 12});
  CHECK(grids[2] == ProcessGrid{3, 4});
  CHECK(grids[3] == ProcessGrid{4, 3});
  CHECK(grids.back() == ProcessGrid{12, 1});
  CHECK(factorizations(1) == std::vector<ProcessGrid>{{1, 1}});
  CHECK(factorizations(65536).size() == 17);
}
