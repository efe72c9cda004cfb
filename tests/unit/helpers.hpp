#pragma once
// Small builders shared by the unit tests.

#include <string>

#include <yaml-cpp/yaml.h>

#include "sim/platform/platform.hpp"
#include "sim/platform/platform_loader.hpp"
#include "sim/workload/network.hpp"
#include "sim/workload/network_loader.hpp"

namespace dnnsim::test {

/// fc1: 4 -> 8 (40 params, first weighted), relu, fc2: 8 -> 2 (18 params); batch 16.
inline constexpr const char* kTinyMlp = R"(
name: tiny-mlp
batch: 16
input: {features: 4}
layers:
  - {name: fc1, type: linear, out_features: 8}
  - {name: relu, type: relu}
  - {name: fc2, type: linear, out_features: 2}
)";

inline Network network_from(const std::string& yaml) {
  return parse_network(YAML::Load(yaml), "test.yaml");
}

/// alpha = 1 us, beta = 1 ns per byte (1 GB/s), 1 GFLOP/s at full efficiency.
inline Platform simple_platform() {
  Platform p;
  p.name = "simple";
  p.nodes = 1 << 20;
  p.node.flops = 1.0e9;
  p.node.efficiency = 1.0;
  p.node.memory_bytes = 1.0e12;
  p.network.topology = Topology::crossbar;
  p.network.latency_s = 1.0e-6;
  p.network.bandwidth_bytes_per_s = 1.0e9;
  return p;
}

inline std::string preset(const std::string& kind, const std::string& name) {
  return std::string(DNNSIM_DATA_DIR) + "/" + kind + "/" + name + ".yaml";
}

}  // namespace dnnsim::test
