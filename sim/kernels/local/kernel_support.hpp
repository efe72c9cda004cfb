#pragma once
// What the real kernels can run: a chain of conv2d (groups 1), linear, relu, maxpool,
// avgpool and flatten layers in fp32. Checked once, on every process, before any message.

#include "sim/workload/network.hpp"

namespace dnnsim::kernels {

/// Throws InputError naming the first layer (or the dtype) the kernels cannot run.
void require_kernel_support(const Network& network);

}  // namespace dnnsim::kernels
