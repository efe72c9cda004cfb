#include "sim/strategy/placement.hpp"

namespace dnnsim {

std::string_view to_string(Placement placement) noexcept {
  return placement == Placement::column ? "column" : "row";
}

std::optional<Placement> placement_from_string(std::string_view name) noexcept {
  if (name == "column") return Placement::column;
  if (name == "row") return Placement::row;
  return std::nullopt;
}

}  // namespace dnnsim
