#include "sim/common/yaml_text.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>

#include "sim/common/error.hpp"
#include "sim/common/suggest.hpp"
#include "sim/common/text_file.hpp"

namespace dnnsim {
namespace {

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

std::string describe_node(const YAML::Node& node) {
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
        fmt::format("expected a YAML mapping describing a {}, got {}", what, describe_node(root)));
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

}  // namespace dnnsim
