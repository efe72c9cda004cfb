#pragma once
// The platform YAML loader (schema: docs/platforms.md).

#include <string>

#include <yaml-cpp/yaml.h>

#include "sim/platform/platform.hpp"

namespace dnnsim {

/// Loads and validates a platform file. Throws InputError.
[[nodiscard]] Platform load_platform(const std::string& path);

/// The same from parsed YAML; `file` names it in messages.
[[nodiscard]] Platform parse_platform(const YAML::Node& root, const std::string& file);

}  // namespace dnnsim
