#include "sim/workload/layer_shapes.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/common/bounds.hpp"
#include "sim/common/error.hpp"

namespace dnnsim::shapes {

std::optional<Count> checked_mul(Count a, Count b) noexcept {
  Count out = 0;
  if (__builtin_mul_overflow(a, b, &out) || out > kMaxCount || out < 0) return std::nullopt;
  return out;
}

Count product(const std::vector<Count>& dims) noexcept {
  Count n = 1;
  for (const Count d : dims) n *= d;
  return n;
}

std::string shape_text(const Shape& shape) {
  return fmt::format("[{}]", fmt::join(shape.dims, ", "));
}

void fail(const Layer& layer, const std::string& file, std::string_view key,
          const std::string& message) {
  const std::string path = key.empty() ? fmt::format("layer '{}'", layer.name)
                                       : fmt::format("layer '{}'.{}", layer.name, key);
  throw InputError(file, layer.line > 0 ? std::optional<int>(layer.line) : std::nullopt, path,
                   message);
}

Count require_count(const Layer& layer, const std::string& file, std::optional<Count> count,
                    std::string_view what) {
  if (!count) {
    fail(layer, file, "",
         fmt::format("{} is too large; dnnsim counts up to 2^53 = {}", what, kMaxCount));
  }
  return *count;
}

void require_axes(const Layer& layer, const std::string& file, std::string_view key,
                  const std::vector<Count>& axes, std::size_t rank) {
  std::vector<bool> seen(rank, false);
  for (const Count a : axes) {
    if (a < 0 || static_cast<std::size_t>(a) >= rank) {
      fail(layer, file, key,
           fmt::format("axis {} is out of range for a sample of {} dimensions (axes count from "
                       "0, the batch is not one)",
                       a, rank));
    }
    if (seen[static_cast<std::size_t>(a)]) {
      fail(layer, file, key, fmt::format("axis {} is listed twice", a));
    }
    seen[static_cast<std::size_t>(a)] = true;
  }
}

void require_image(const Layer& layer, const Shape& in, const std::string& file) {
  if (!in.is_image()) {
    fail(layer, file, "",
         fmt::format("{} reads images [channels, height, width], got {}", to_string(layer.type),
                     shape_text(in)));
  }
}

}  // namespace dnnsim::shapes
