#include "sim/common/yaml_map.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "sim/common/bounds.hpp"
#include "sim/common/error.hpp"
#include "sim/common/suggest.hpp"

namespace dnnsim {
namespace {

// A YAML scalar as a finite double, or nothing.
std::optional<double> as_number(const YAML::Node& node) {
  if (!node.IsScalar()) return std::nullopt;
  try {
    const double value = node.as<double>();
    if (!std::isfinite(value)) return std::nullopt;
    return value;
  } catch (const YAML::Exception&) {
    return std::nullopt;
  }
}

// A YAML scalar as an integer: "12" or an integral number such as "1e6".
std::optional<std::int64_t> as_integer(const YAML::Node& node) {
  const auto value = as_number(node);
  if (!value || std::floor(*value) != *value || std::fabs(*value) > 9.0e18) return std::nullopt;
  return static_cast<std::int64_t>(*value);
}

// An integer in [min_value, kMaxInteger], or the message saying what was expected.
std::optional<std::int64_t> bounded_integer(const YAML::Node& node, std::int64_t min_value) {
  const auto n = as_integer(node);
  if (!n || *n < min_value || *n > kMaxInteger) return std::nullopt;
  return n;
}

std::string too_large(const YAML::Node& node) {
  return fmt::format("{} is too large; dnnsim takes integers up to 2^40 = {}", describe_node(node),
                     kMaxInteger);
}

// True when the node is an integer beyond kMaxInteger (a different message than a typo).
bool is_too_large(const YAML::Node& node) {
  const auto x = as_number(node);
  return x && std::floor(*x) == *x && *x > static_cast<double>(kMaxInteger);
}

}  // namespace

YamlMap::YamlMap(const YAML::Node& node, std::string file, std::string context)
    : node_(node), file_(std::move(file)), context_(std::move(context)) {
  if (!node_.IsMap()) {
    throw InputError(file_, line_of(node_), context_,
                     fmt::format("expected a mapping, got {}", describe_node(node_)));
  }
}

std::string YamlMap::key_path(std::string_view key) const {
  if (key.empty()) return context_;
  if (context_.empty()) return std::string(key);
  return fmt::format("{}.{}", context_, key);
}

void YamlMap::fail(std::string_view key, const std::string& message) const {
  std::optional<int> line = line_of(node_);
  if (!key.empty() && has(key)) line = line_of(node_[std::string(key)]);
  throw InputError(file_, line, key_path(key), message);
}

bool YamlMap::has(std::string_view key) const {
  return static_cast<bool>(node_[std::string(key)]);
}

YAML::Node YamlMap::node(std::string_view key) const {
  const YAML::Node value = node_[std::string(key)];
  if (!value) fail(key, "is missing");
  return value;
}

std::string YamlMap::string(std::string_view key) const {
  const YAML::Node value = node(key);
  if (!value.IsScalar() || value.Scalar().empty()) {
    fail(key, fmt::format("expected a name, got {}", describe_node(value)));
  }
  return value.Scalar();
}

std::int64_t YamlMap::positive_int(std::string_view key) const {
  const YAML::Node value = node(key);
  if (is_too_large(value)) fail(key, too_large(value));
  const auto n = bounded_integer(value, 1);
  if (!n) fail(key, fmt::format("expected a positive integer, got {}", describe_node(value)));
  return *n;
}

std::int64_t YamlMap::non_negative_int(std::string_view key) const {
  const YAML::Node value = node(key);
  if (is_too_large(value)) fail(key, too_large(value));
  const auto n = bounded_integer(value, 0);
  if (!n) fail(key, fmt::format("expected a non-negative integer, got {}", describe_node(value)));
  return *n;
}

double YamlMap::positive_number(std::string_view key) const {
  const YAML::Node value = node(key);
  const auto x = as_number(value);
  if (!x || *x <= 0)
    fail(key, fmt::format("expected a positive number, got {}", describe_node(value)));
  return *x;
}

double YamlMap::number_in(std::string_view key, double lo, double hi) const {
  const YAML::Node value = node(key);
  const auto x = as_number(value);
  if (!x || *x < lo || *x > hi) {
    fail(key, fmt::format("expected a number in [{}, {}], got {}", lo, hi, describe_node(value)));
  }
  return *x;
}

bool YamlMap::boolean(std::string_view key) const {
  const YAML::Node value = node(key);
  try {
    if (value.IsScalar()) return value.as<bool>();
  } catch (const YAML::Exception&) {
  }
  fail(key, fmt::format("expected true or false, got {}", describe_node(value)));
}

std::vector<std::int64_t> YamlMap::positive_int_list(std::string_view key) const {
  const YAML::Node value = node(key);
  if (!value.IsSequence() || value.size() == 0) {
    fail(key, fmt::format("expected a list of positive integers, got {}", describe_node(value)));
  }
  std::vector<std::int64_t> out;
  for (const auto& item : value) {
    if (is_too_large(item)) fail(key, too_large(item));
    const auto n = bounded_integer(item, 1);
    if (!n) {
      fail(key, fmt::format("expected a list of positive integers, found {}", describe_node(item)));
    }
    out.push_back(*n);
  }
  return out;
}

std::vector<std::int64_t> YamlMap::non_negative_int_list(std::string_view key) const {
  const YAML::Node value = node(key);
  if (!value.IsSequence() || value.size() == 0) {
    fail(key, fmt::format("expected a list of integers >= 0, got {}", describe_node(value)));
  }
  std::vector<std::int64_t> out;
  for (const auto& item : value) {
    const auto n = as_integer(item);
    if (!n || *n < 0) {
      fail(key, fmt::format("expected a list of integers >= 0, found {}", describe_node(item)));
    }
    out.push_back(*n);
  }
  return out;
}

std::pair<std::int64_t, std::int64_t> YamlMap::int_pair(std::string_view key,
                                                        std::int64_t min_value) const {
  const YAML::Node value = node(key);
  const auto expected = [&] {
    return fmt::format("expected an integer >= {} or a pair [h, w] of them, got {}", min_value,
                       describe_node(value));
  };
  if (value.IsSequence()) {
    if (value.size() != 2) fail(key, expected());
    for (const auto& item : value) {
      if (is_too_large(item)) fail(key, too_large(item));
    }
    const auto h = bounded_integer(value[0], min_value);
    const auto w = bounded_integer(value[1], min_value);
    if (!h || !w) fail(key, expected());
    return {*h, *w};
  }
  if (is_too_large(value)) fail(key, too_large(value));
  const auto n = bounded_integer(value, min_value);
  if (!n) fail(key, expected());
  return {*n, *n};
}

void YamlMap::require_known_keys(std::initializer_list<std::string_view> allowed) const {
  for (const auto& entry : node_) {
    if (!entry.first.IsScalar()) {
      throw InputError(file_, line_of(entry.first), context_,
                       fmt::format("a key must be a name, got {}", describe_node(entry.first)));
    }
    const std::string key = excerpt(entry.first.Scalar());
    bool known = false;
    for (const auto a : allowed) known = known || a == key;
    if (known) continue;
    std::vector<std::string_view> names(allowed);
    std::string expected;
    for (const auto a : allowed) expected += (expected.empty() ? "" : ", ") + std::string(a);
    throw InputError(
        file_, line_of(entry.first), key_path(key),
        fmt::format("unknown key{}; expected one of: {}", did_you_mean(key, names), expected));
  }
}

}  // namespace dnnsim
