#pragma once
// Plan files: a kind (and optionally a grid) per layer (docs/plans.md).

#include <string>

#include <yaml-cpp/yaml.h>

#include "sim/strategy/plan.hpp"

namespace dnnsim {

/// Loads a plan file for `network`. Throws InputError.
[[nodiscard]] Plan load_plan(const std::string& path, const Network& network);

/// The same from parsed YAML; `file` names it in messages.
[[nodiscard]] Plan parse_plan(const YAML::Node& root, const std::string& file,
                              const Network& network);

/// The plan as YAML text that parse_plan reads back to the same Plan.
[[nodiscard]] std::string plan_to_yaml(const Plan& plan, const Network& network);

}  // namespace dnnsim
