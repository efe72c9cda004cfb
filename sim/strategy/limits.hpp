#pragma once
// The scaling limits of docs/model.md: a plan that breaks one is rejected, naming the layer.

#include <optional>
#include <string>
#include <vector>

#include "sim/strategy/layout.hpp"
#include "sim/workload/network.hpp"

namespace dnnsim {

struct LimitViolation {
  std::size_t layer = 0;
  std::string limit;
};

/// The limit layer `i` breaks under its resolved `exec`, or nothing.
[[nodiscard]] std::optional<std::string> check_layer_limits(const Layer& layer,
                                                            const LayerExec& exec, double batch);

/// The first violation in the file's order, or nothing.
[[nodiscard]] std::optional<LimitViolation> check_limits(const Network& network,
                                                         const std::vector<LayerExec>& execs,
                                                         double batch);

/// Throws LimitError for the first violation.
void require_within_limits(const Network& network, const std::vector<LayerExec>& execs,
                           double batch);

}  // namespace dnnsim
