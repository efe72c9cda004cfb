#pragma once
// The matrix products one single-process training iteration of a network makes (the
// kernels' own calls: linear as X W^T, conv as im2col + GEMM), with their FLOPs, so that
// calibration times the shapes the workloads use.

#include <string>
#include <vector>

#include "sim/kernels/local/gemm.hpp"
#include "sim/workload/network.hpp"

namespace dnnsim::kernels {

struct GemmShape {
  std::string layer;
  std::string pass;  ///< "forward", "weight_grad" or "input_grad"
  Trans ta = Trans::no;
  Trans tb = Trans::no;
  Count m = 0;
  Count n = 0;
  Count k = 0;

  [[nodiscard]] double flops() const noexcept {
    return 2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  }
};

/// Forward, weight-gradient and (where an upstream layer has parameters) input-gradient
/// products of every conv2d and linear layer at mini-batch `batch`.
[[nodiscard]] std::vector<GemmShape> gemm_shapes(const Network& network, Count batch);

}  // namespace dnnsim::kernels
