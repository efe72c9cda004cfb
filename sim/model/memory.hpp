#pragma once
// Memory per process (docs/model.md, "Memory per process"): the weights, gradients and
// optimizer state of the process's share of the parameters, and the activations its layers
// keep for the backward pass, as PyTorch keeps them.

#include <vector>

#include "sim/result/result.hpp"
#include "sim/strategy/layout.hpp"
#include "sim/workload/network.hpp"

namespace dnnsim {

/// Bytes of optimizer state per parameter: sgd 0, momentum 4, adam 8 (fp32 moments), plus a
/// 4-byte fp32 master copy of the weights with fp16 or bf16.
[[nodiscard]] double optimizer_bytes_per_param(Optimizer optimizer, DType dtype) noexcept;

/// Bytes layer `i` keeps per sample for its backward pass, whole (before any split).
[[nodiscard]] double kept_bytes_per_sample(const Network& network, std::size_t i) noexcept;

/// Layer `i`'s part of one process's memory under resolved `execs` at `batch` samples per
/// iteration: its share of the parameters and their state, and the activations it keeps.
[[nodiscard]] MemoryUse layer_memory(const Network& network, const std::vector<LayerExec>& execs,
                                     std::size_t i, double batch);

/// What layer `i` adds to its block's activations while the block is recomputed (full
/// recomputation only; 0 otherwise).
[[nodiscard]] double recompute_buffer_share(const Network& network,
                                            const std::vector<LayerExec>& execs, std::size_t i,
                                            double batch);

/// Under full recomputation, the largest one block's activations among the layers
/// `include` selects: recomputed one block at a time, they are held on top of what is kept.
[[nodiscard]] double recompute_buffer_bytes(const Network& network,
                                            const std::vector<LayerExec>& execs, double batch,
                                            const std::vector<bool>& include);

/// One process's memory under resolved `execs` at `batch` samples per iteration (all of its
/// grid column's share, B / Pc, kept at once).
[[nodiscard]] MemoryUse memory_per_proc(const Network& network, const std::vector<LayerExec>& execs,
                                        double batch);

}  // namespace dnnsim
