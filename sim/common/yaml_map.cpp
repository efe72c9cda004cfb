#include "sim/common/yaml_map.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>

#include "sim/common/bounds.hpp"
#include "sim/common/error.hpp"
#include "sim/common/suggest.hpp"
#include "sim/common/text_file.hpp"

namespace dnnsim {
namespace {

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Sequence: {
      // A short list of scalars as written, e.g. "[1, 0]"; anything else as "a list".
      if (node.size() > 8) return "a list";
      std::string items;
      for (const auto& item : node) {
        if (!item.IsScalar()) return "a list";
        items += (items.empty() ? "" : ", ") + excerpt(item.Scalar(), 20);
      }
      return fmt::format("[{}]", items);
    }
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Scalar:
      return fmt::format("'{}'", excerpt(node.Scalar()));
    default:
      return "an undefined value";
  }
}

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
  return fmt::format("{} is too large; dnnsim takes integers up to 2^40 = {}", describe(node),
                     kMaxInteger);
}

// True when the node is an integer beyond kMaxInteger (a different message than a typo).
bool is_too_large(const YAML::Node& node) {
  const auto x = as_number(node);
  return x && std::floor(*x) == *x && *x > static_cast<double>(kMaxInteger);
}

// Offset of the first byte that is not part of valid UTF-8, or npos.
std::size_t invalid_utf8(const std::string& text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = bytes[i];
    // The length of the sequence its lead byte announces (0: not a lead byte).
    const std::size_t length = c < 0x80                 ? 1
                               : c >= 0xC2 && c <= 0xDF ? 2
                               : c >= 0xE0 && c <= 0xEF ? 3
                               : c >= 0xF0 && c <= 0xF4 ? 4
                                                        : 0;
    if (length == 0) return i;
    if (i + length > text.size()) return i;
    for (std::size_t k = 1; k < length; ++k) {
      if ((bytes[i + k] & 0xC0) != 0x80) return i;
    }
    i += length;
  }
  return std::string::npos;
}

std::string join_key(const std::string& path, const std::string& key) {
  return path.empty() ? key : fmt::format("{}.{}", path, key);
}

// yaml-cpp keeps both copies of a repeated key and the loaders would silently read the
// first: every mapping's keys must be distinct. `seen` holds the start of each collection
// already checked, so that aliases (which share the node) are walked once.
void check_duplicate_keys(const YAML::Node& node, const std::string& file, const std::string& path,
                          std::unordered_set<std::size_t>& seen) {
  if (!node.IsMap() && !node.IsSequence()) return;
  const YAML::Mark mark = node.Mark();
  if (!mark.is_null() && !seen.insert(static_cast<std::size_t>(mark.pos)).second) return;
  if (node.IsSequence()) {
    std::size_t i = 0;
    for (const auto& item : node) {
      check_duplicate_keys(item, file, fmt::format("{}[{}]", path, i++), seen);
    }
    return;
  }
  std::unordered_map<std::string, int> lines;
  for (const auto& entry : node) {
    std::string key = "?";
    if (entry.first.IsScalar()) {
      key = excerpt(entry.first.Scalar());
      const auto [it, inserted] =
          lines.emplace(entry.first.Scalar(), line_of(entry.first).value_or(0));
      if (!inserted) {
        throw InputError(file, line_of(entry.first), join_key(path, key),
                         fmt::format("duplicate key; line {} already sets it", it->second));
      }
    }
    check_duplicate_keys(entry.second, file, join_key(path, key), seen);
  }
}

}  // namespace

YAML::Node load_yaml_file(const std::string& path, std::string_view what) {
  return parse_yaml_text(read_input_file(path, what), path, what);
}

YAML::Node parse_yaml_text(const std::string& text, const std::string& path,
                           std::string_view what) {
  if (text.find('\0') != std::string::npos) {
    throw InputError(path, std::nullopt, "",
                     fmt::format("is a binary file, expected a YAML {} description", what));
  }
  if (const std::size_t bad = invalid_utf8(text); bad != std::string::npos) {
    const std::string_view before(text.data(), bad);
    const auto line = static_cast<int>(std::count(before.begin(), before.end(), '\n')) + 1;
    throw InputError(path, line, "",
                     fmt::format("byte 0x{:02X} is not UTF-8 text; expected a YAML {} "
                                 "description (is this a binary file?)",
                                 static_cast<unsigned char>(text[bad]), what));
  }
  YAML::Node root;
  try {
    std::vector<YAML::Node> documents = YAML::LoadAll(text);
    if (documents.size() > 1) {
      throw InputError(path, line_of(documents[1]), "",
                       fmt::format("a second YAML document starts here; a {} file holds one "
                                   "document (remove the '---' and what follows, or split the "
                                   "file)",
                                   what));
    }
    if (!documents.empty()) root = documents.front();
  } catch (const YAML::DeepRecursion& e) {
    throw InputError(path, e.mark.is_null() ? std::nullopt : std::optional<int>(e.mark.line + 1),
                     "", fmt::format("YAML syntax error: nested deeper than {} levels", e.depth()));
  } catch (const YAML::Exception& e) {
    const std::optional<int> line =
        e.mark.is_null() ? std::nullopt : std::optional<int>(e.mark.line + 1);
    throw InputError(path, line, "", fmt::format("YAML syntax error: {}", e.msg));
  }
  if (root.IsNull()) {
    throw InputError(path, std::nullopt, "", fmt::format("the {} file is empty", what));
  }
  if (!root.IsMap()) {
    throw InputError(
        path, line_of(root), "",
        fmt::format("expected a YAML mapping describing a {}, got {}", what, describe(root)));
  }
  std::unordered_set<std::size_t> seen;
  check_duplicate_keys(root, path, "", seen);
  return root;
}

std::optional<int> line_of(const YAML::Node& node) {
  if (!node.IsDefined()) return std::nullopt;
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return std::nullopt;
  return mark.line + 1;
}

YamlMap::YamlMap(const YAML::Node& node, std::string file, std::string context)
    : node_(node), file_(std::move(file)), context_(std::move(context)) {
  if (!node_.IsMap()) {
    throw InputError(file_, line_of(node_), context_,
                     fmt::format("expected a mapping, got {}", describe(node_)));
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
    fail(key, fmt::format("expected a name, got {}", describe(value)));
  }
  return value.Scalar();
}

std::int64_t YamlMap::positive_int(std::string_view key) const {
  const YAML::Node value = node(key);
  if (is_too_large(value)) fail(key, too_large(value));
  const auto n = bounded_integer(value, 1);
  if (!n) fail(key, fmt::format("expected a positive integer, got {}", describe(value)));
  return *n;
}

std::int64_t YamlMap::non_negative_int(std::string_view key) const {
  const YAML::Node value = node(key);
  if (is_too_large(value)) fail(key, too_large(value));
  const auto n = bounded_integer(value, 0);
  if (!n) fail(key, fmt::format("expected a non-negative integer, got {}", describe(value)));
  return *n;
}

double YamlMap::positive_number(std::string_view key) const {
  const YAML::Node value = node(key);
  const auto x = as_number(value);
  if (!x || *x <= 0) fail(key, fmt::format("expected a positive number, got {}", describe(value)));
  return *x;
}

double YamlMap::number_in(std::string_view key, double lo, double hi) const {
  const YAML::Node value = node(key);
  const auto x = as_number(value);
  if (!x || *x < lo || *x > hi) {
    fail(key, fmt::format("expected a number in [{}, {}], got {}", lo, hi, describe(value)));
  }
  return *x;
}

bool YamlMap::boolean(std::string_view key) const {
  const YAML::Node value = node(key);
  try {
    if (value.IsScalar()) return value.as<bool>();
  } catch (const YAML::Exception&) {
  }
  fail(key, fmt::format("expected true or false, got {}", describe(value)));
}

std::vector<std::int64_t> YamlMap::positive_int_list(std::string_view key) const {
  const YAML::Node value = node(key);
  if (!value.IsSequence() || value.size() == 0) {
    fail(key, fmt::format("expected a list of positive integers, got {}", describe(value)));
  }
  std::vector<std::int64_t> out;
  for (const auto& item : value) {
    if (is_too_large(item)) fail(key, too_large(item));
    const auto n = bounded_integer(item, 1);
    if (!n) {
      fail(key, fmt::format("expected a list of positive integers, found {}", describe(item)));
    }
    out.push_back(*n);
  }
  return out;
}

std::vector<std::int64_t> YamlMap::non_negative_int_list(std::string_view key) const {
  const YAML::Node value = node(key);
  if (!value.IsSequence() || value.size() == 0) {
    fail(key, fmt::format("expected a list of integers >= 0, got {}", describe(value)));
  }
  std::vector<std::int64_t> out;
  for (const auto& item : value) {
    const auto n = as_integer(item);
    if (!n || *n < 0) {
      fail(key, fmt::format("expected a list of integers >= 0, found {}", describe(item)));
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
                       describe(value));
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
                       fmt::format("a key must be a name, got {}", describe(entry.first)));
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
