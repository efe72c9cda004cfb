#pragma once
// Gradient buckets (docs/model.md, "Gradient buckets"): data-parallel frameworks reduce
// weight gradients in buckets of at least N bytes (PyTorch DDP's 25 MB by default), not one
// collective per layer.

#include <vector>

#include "sim/strategy/layer_comm.hpp"
#include "sim/strategy/plan.hpp"

namespace dnnsim {

/// Merges the weight-gradient collectives of consecutive layers, in backward order (reverse
/// topological), into collectives of at least `plan.bucket_bytes` each: a bucket is one
/// collective of its layers' summed payload, charged to the layer whose gradient fills it
/// (the last to be ready); what is left at the end goes with the last layer that added to
/// it. Only collectives of the same operation, group, grid and pipeline stage share a
/// bucket. Nothing changes when `plan.bucket_bytes` is 0.
void bucket_gradients(const Network& network, const Plan& plan, const std::vector<LayerExec>& execs,
                      std::vector<std::vector<Collective>>& per_layer);

}  // namespace dnnsim
