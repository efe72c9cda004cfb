#include "sim/common/error.hpp"

#include <fmt/format.h>

namespace dnnsim {
namespace {

std::string format_input_error(const std::string& file, std::optional<int> line,
                               const std::string& key, const std::string& message) {
  std::string where = file;
  if (line) where += fmt::format(":{}", *line);
  if (!where.empty()) where += ": ";
  if (!key.empty()) where += fmt::format("'{}': ", key);
  return where + message;
}

}  // namespace

InputError::InputError(std::string file, std::optional<int> line, std::string key,
                       std::string message)
    : std::runtime_error(format_input_error(file, line, key, message)),
      file_(std::move(file)),
      line_(line),
      key_(std::move(key)),
      detail_(std::move(message)) {}

LimitError::LimitError(std::string layer, std::string limit)
    : std::runtime_error(fmt::format("layer '{}': {}", layer, limit)),
      layer_(std::move(layer)),
      limit_(std::move(limit)) {}

}  // namespace dnnsim
