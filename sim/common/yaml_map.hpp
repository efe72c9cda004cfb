#pragma once
// Typed, validated reading of YAML mappings: every failure is an InputError naming the
// file, the line and the key. Loaders read each input once through this and hand plain
// values downstream.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/common/yaml_text.hpp"

namespace dnnsim {

/// A view of one YAML mapping with typed getters.
class YamlMap {
 public:
  /// `context` names the mapping in messages, e.g. "layer 'conv1'" or "network".
  YamlMap(const YAML::Node& node, std::string file, std::string context);

  [[nodiscard]] bool has(std::string_view key) const;
  [[nodiscard]] YAML::Node node(std::string_view key) const;  // required
  [[nodiscard]] const YAML::Node& self() const noexcept { return node_; }
  [[nodiscard]] const std::string& file() const noexcept { return file_; }
  [[nodiscard]] const std::string& context() const noexcept { return context_; }

  /// "context.key" as messages name it.
  [[nodiscard]] std::string key_path(std::string_view key) const;

  [[nodiscard]] std::string string(std::string_view key) const;
  /// Integers are at most kMaxInteger (sim/common/bounds.hpp).
  [[nodiscard]] std::int64_t positive_int(std::string_view key) const;
  [[nodiscard]] std::int64_t non_negative_int(std::string_view key) const;
  [[nodiscard]] double positive_number(std::string_view key) const;
  [[nodiscard]] double number_in(std::string_view key, double lo, double hi) const;
  [[nodiscard]] bool boolean(std::string_view key) const;
  /// A list of positive integers.
  [[nodiscard]] std::vector<std::int64_t> positive_int_list(std::string_view key) const;
  /// A list of integers >= 0 (axes, permutations).
  [[nodiscard]] std::vector<std::int64_t> non_negative_int_list(std::string_view key) const;
  /// An int or an `[h, w]` pair (kernel, stride, padding).
  [[nodiscard]] std::pair<std::int64_t, std::int64_t> int_pair(std::string_view key,
                                                               std::int64_t min_value) const;

  /// Every key must be one of `allowed`; an unknown key is an error with a suggestion.
  void require_known_keys(std::initializer_list<std::string_view> allowed) const;

  /// Throws an InputError located at `key` (or at the mapping itself when `key` is empty).
  [[noreturn]] void fail(std::string_view key, const std::string& message) const;

 private:
  YAML::Node node_;
  std::string file_;
  std::string context_;
};

}  // namespace dnnsim
