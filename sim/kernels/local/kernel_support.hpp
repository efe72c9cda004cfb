#pragma once
// What the real kernels can run, in fp32: a chain of conv2d (groups 1), linear, relu,
// maxpool, avgpool and flatten layers (DistributedNetwork), or a transformer over tokens
// (TokenNetwork; its layers are checked with the plan, token_layout.hpp). Checked once, on
// every process, before any message.

#include "sim/workload/network.hpp"

namespace dnnsim::kernels {

/// True for a workload over tokens (token ids, or [T, F] samples): a transformer.
[[nodiscard]] bool uses_token_kernels(const Network& network) noexcept;

/// Throws InputError naming the first layer (or the dtype) the kernels cannot run.
void require_kernel_support(const Network& network);

}  // namespace dnnsim::kernels
