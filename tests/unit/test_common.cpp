#include <doctest/doctest.h>

#include <sys/stat.h>
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

namespace {

/// A fresh directory for one test case, removed at its end.
struct ScratchDir {
  explicit ScratchDir(const std::string& name)
      : path(std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~ScratchDir() { std::filesystem::remove_all(path); }
  [[nodiscard]] std::size_t entries() const {
    return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(path),
                                                  std::filesystem::directory_iterator()));
  }
  std::filesystem::path path;
};

std::string read_back(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("write_atomically replaces a file whole and leaves no temporary behind") {
  const ScratchDir dir("dnnsim-text-file");
  const std::string path = (dir.path / "out.txt").string();
  write_atomically(path, "first\n", "--output");
  write_atomically(path, std::string("a\0b", 3), "--output");  // bytes as given, NUL included
  CHECK(read_back(path) == std::string("a\0b", 3));
  CHECK(dir.entries() == 1);

  try {
    write_atomically((dir.path / "no-such-dir" / "x.txt").string(), "x", "--trace");
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    CHECK(e.key() == "--trace");
    CHECK(e.detail().starts_with("cannot write here: the directory '"));
    CHECK(e.detail().ends_with("no-such-dir' does not exist"));
  }
  CHECK(dir.entries() == 1);
}

TEST_CASE("an output that is a symbolic link is written through the link") {
  const ScratchDir dir("dnnsim-symlink-output");
  std::filesystem::create_directories(dir.path / "real");
  const auto target = dir.path / "real" / "result.csv";
  const auto link = dir.path / "latest.csv";
  std::filesystem::create_symlink("real/result.csv", link);  // relative, dangling at first
  write_atomically(link.string(), "one\n", "--output");
  CHECK(std::filesystem::is_symlink(link));
  CHECK(read_back(target) == "one\n");
  write_atomically(link.string(), "two\n", "--output");
  CHECK(std::filesystem::is_symlink(link));
  CHECK(read_back(target) == "two\n");
}

TEST_CASE("outputs that are devices or unwritable directories are refused before writing") {
  try {
    require_writable_output("/dev/null", "--output");
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    CHECK(e.detail().starts_with("is not a regular file (a device, FIFO or socket)"));
  }
  CHECK(std::filesystem::is_character_file("/dev/null"));  // never replaced by a file
  try {
    // Even root may not create files in sysfs: the system's reason is kept.
    require_writable_output("/sys/dnnsim-result.csv", "--output");
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    CHECK(e.detail() == "cannot write here: Permission denied");
  }
  CHECK_NOTHROW(require_writable_output("", "--output"));  // standard output
}

TEST_CASE("input files must be regular and at most 64 MiB") {
  try {
    (void)read_input_file("/dev/zero", "workload");
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    CHECK(e.detail() ==
          "is not a regular file (a device, FIFO or socket); expected a workload file");
  }
  const ScratchDir dir("dnnsim-input-file");
  const auto fifo = dir.path / "pipe.yaml";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK_THROWS_AS((void)read_input_file(fifo.string(), "workload"), InputError);  // no hang
  const auto big = dir.path / "big.yaml";
  {
    std::ofstream out(big, std::ios::binary);
    out.seekp(kMaxInputFileBytes);  // a sparse file one byte past the limit
    out.put('\n');
  }
  try {
    (void)read_input_file(big.string(), "platform");
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    CHECK(e.detail() ==
          "is 67108865 bytes; dnnsim reads platform files of up to 67108864 bytes "
          "(64 MiB)");
  }
  const auto small = dir.path / "small.yaml";
  std::ofstream(small) << "name: x\n";
  CHECK(read_input_file(small.string(), "workload") == "name: x\n");
}
