#pragma once
// The workload YAML loader (schema: docs/design.md "Inputs" and docs/workloads.md).

#include <string>

#include <yaml-cpp/yaml.h>

#include "sim/workload/network.hpp"

namespace dnnsim {

/// Loads, validates and infers a workload file. Throws InputError.
[[nodiscard]] Network load_network(const std::string& path);

/// The same from parsed YAML; `file` names it in messages.
[[nodiscard]] Network parse_network(const YAML::Node& root, const std::string& file);

/// Builds the layer graph, topological order and derived flags of a network whose layers
/// have their `input_names` set, running shape inference in topological order.
void link_network(Network& network);

}  // namespace dnnsim
