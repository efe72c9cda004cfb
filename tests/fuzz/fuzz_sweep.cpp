// Fuzz target: the sweep loader (parse_sweep_spec) with a resolver that knows a few preset
// names and touches no file, then the expansion into configurations.

#include <algorithm>
#include <array>

#include "sim/sweep/sweep_spec.hpp"
#include "tests/fuzz/fuzz_target.hpp"

namespace {

std::string resolve(const std::string& name, std::string_view kind) {
  constexpr std::array<std::string_view, 6> kKnown{"mlp",      "alexnet",  "resnet50",
                                                   "crossbar", "fat-tree", "cori-knl"};
  if (std::find(kKnown.begin(), kKnown.end(), name) == kKnown.end()) {
    throw dnnsim::InputError(name, std::nullopt, "", std::string(kind) + " file not found");
  }
  return name;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dnnsim;
  return fuzz::run(data, size, "sweep", [](const YAML::Node& root) {
    const SweepSpec spec = parse_sweep_spec(root, std::string(fuzz::kFuzzFile), resolve);
    const std::vector<SweepConfig> rows = expand(spec);
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const SweepConfig& c = rows[k];
      if (c.index != k || c.grid.procs() != c.procs) fuzz::bug("a sweep row out of order");
    }
  });
}
