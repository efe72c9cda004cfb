#include "sim/cli/import_check.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <charconv>
#include <fstream>
#include <string_view>
#include <vector>

namespace dnnsim::cli {
namespace {

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::optional<Count> number(std::string_view text) {
  Count value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

/// The difference on one line of the file, or "" when the layer agrees.
std::string check_line(const Network& net, std::string_view line) {
  const std::vector<std::string_view> fields = split(line, '\t');
  if (fields.size() != 3) return fmt::format("an unreadable line '{}'", line);
  const std::string name(fields[0]);
  const std::size_t index = net.find(name);
  if (index == net.layers.size()) return fmt::format("no layer '{}' in the workload", name);
  const Layer& layer = net.layers[index];
  if (fields[1] != "-") {
    const std::optional<Count> params = number(fields[1]);
    if (!params) return fmt::format("an unreadable line '{}'", line);
    if (*params != layer.params) {
      return fmt::format("layer '{}': dnnsim counts {} parameters, PyTorch's tensors {}", name,
                         layer.params, *params);
    }
  }
  if (fields[2] != "-") {
    std::vector<Count> dims;
    for (const std::string_view part : split(fields[2], 'x')) {
      const std::optional<Count> d = number(part);
      if (!d) return fmt::format("an unreadable line '{}'", line);
      dims.push_back(*d);
    }
    if (dims != layer.out_shape.dims) {
      return fmt::format("layer '{}': dnnsim's output is {}, PyTorch's {}", name,
                         fmt::join(layer.out_shape.dims, "x"), fmt::join(dims, "x"));
    }
  }
  return "";
}

}  // namespace

std::optional<std::string> disagreement_with_pytorch(const Network& net,
                                                     const std::filesystem::path& expected) {
  std::ifstream in(expected);
  if (!in) return std::nullopt;
  std::string first;
  int more = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    if (std::string difference = check_line(net, line); !difference.empty()) {
      if (first.empty()) {
        first = std::move(difference);
      } else {
        ++more;
      }
    }
  }
  if (first.empty()) return std::nullopt;
  return more == 0 ? first : fmt::format("{} (and {} more)", first, more);
}

}  // namespace dnnsim::cli
