#pragma once
// How long one process computes each layer (docs/model.md, "Compute" and "Compute: the
// roofline"): its share of the layer's FLOPs at the device's rate for that layer type, and,
// when the platform gives a memory bandwidth, at least the time to move the bytes the layer
// reads and writes. Both engines time compute tasks with this, so they agree on compute.

#include <cstddef>
#include <string>
#include <vector>

#include "sim/platform/platform.hpp"
#include "sim/strategy/layout.hpp"
#include "sim/workload/network.hpp"

namespace dnnsim {

/// One process's compute of one layer in one iteration, in its three parts.
struct LayerCompute {
  double forward_s = 0.0;
  double input_gradient_s = 0.0;
  double weight_gradient_s = 0.0;
  /// The forward run again in the backward pass (docs/model.md, "Recomputation").
  double recompute_s = 0.0;
  /// The parts' sum, computed as the paper's model writes it when there is no roofline
  /// (so that Part I results stay bit-identical).
  double total_s = 0.0;
  /// The parts in FLOPs at the device's default sustained rate: what a SimGrid host of that
  /// speed must execute to take the parts' times.
  double forward_work = 0.0;
  double input_gradient_work = 0.0;
  double weight_gradient_work = 0.0;
  double recompute_work = 0.0;
};

class ComputeModel {
 public:
  /// Checks the layer types named in the device's efficiency map (InputError naming
  /// `platform_file` and the key).
  ComputeModel(const Network& network, const Device& device, const std::string& platform_file);

  /// Layer `i` under its resolved `execs[i]`, at mini-batch `batch` (a real number of
  /// samples per iteration: B, or a microbatch's share of it).
  [[nodiscard]] LayerCompute layer(const std::vector<LayerExec>& execs, std::size_t i,
                                   double batch) const;

  /// The speed SimGrid hosts run at: the device's default sustained FLOP/s.
  [[nodiscard]] double host_speed() const noexcept { return device_.sustained_flops(); }

 private:
  const Network& network_;
  const Device& device_;
};

/// The bytes one process reads and writes in layer `i`'s forward pass: its share of the
/// layer's inputs, output and parameters, plus, for attention without `flash`, its scores
/// written and read (docs/model.md, "Compute: the roofline").
[[nodiscard]] double forward_bytes(const Network& network, const std::vector<LayerExec>& execs,
                                   std::size_t i, double batch);

}  // namespace dnnsim
