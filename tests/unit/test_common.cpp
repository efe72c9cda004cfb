#include <doctest/doctest.h>

#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "sim/common/error.hpp"
#include "sim/common/suggest.hpp"
#include "sim/common/text_file.hpp"
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

TEST_CASE("write_atomically replaces a file whole and leaves no temporary behind") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("dnnsim-text-file-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string path = (dir / "out.txt").string();
  write_atomically(path, "first\n", "--output");
  write_atomically(path, std::string("a\0b", 3), "--output");  // bytes as given, NUL included
  std::ifstream in(path, std::ios::binary);
  const std::string read{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  CHECK(read == std::string("a\0b", 3));
  CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);

  try {
    write_atomically((dir / "no-such-dir" / "x.txt").string(), "x", "--trace");
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    CHECK(e.key() == "--trace");
    CHECK(e.detail() == "cannot write this file");
  }
  CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
  fs::remove_all(dir);
}
