#pragma once
// Reading YAML documents: a file (a regular one of at most 64 MiB, sim/common/text_file.hpp)
// or its text into a mapping, refusing what yaml-cpp would take silently (binary or
// non-UTF-8 text, a second document, a key repeated in any mapping) with the file and line.

#include <optional>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

namespace dnnsim {

/// Parses a YAML file; missing, unreadable, empty and malformed files are InputErrors.
[[nodiscard]] YAML::Node load_yaml_file(const std::string& path, std::string_view what);

/// The same from the file's text (`path` names it in messages): binary or non-UTF-8 text,
/// YAML syntax errors, an empty document, a document that is not a mapping and repeated
/// keys in any mapping are InputErrors.
[[nodiscard]] YAML::Node parse_yaml_text(const std::string& text, const std::string& path,
                                         std::string_view what);

/// 1-based line of a node, when yaml-cpp knows it.
[[nodiscard]] std::optional<int> line_of(const YAML::Node& node);

/// A node as messages quote it: "'8x'", "[1, 0]", "a list", "a mapping", "nothing".
[[nodiscard]] std::string describe_node(const YAML::Node& node);

}  // namespace dnnsim
