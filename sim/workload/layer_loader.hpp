#pragma once
// One layer of a workload's `layers:` list, as written: its type and hyper-parameters, each
// key checked for its type (docs/workloads.md).

#include <cstddef>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "sim/workload/layer.hpp"

namespace dnnsim {

/// The name that stands for the network's input in `inputs:`.
inline constexpr std::string_view kInputName = "input";

/// Parses entry `index` of `layers:`. Throws InputError naming the file, line and key.
[[nodiscard]] Layer parse_layer(const YAML::Node& node, const std::string& file, std::size_t index);

}  // namespace dnnsim
