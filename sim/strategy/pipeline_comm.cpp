#include "sim/strategy/pipeline_comm.hpp"

#include <algorithm>

#include "sim/strategy/stage_cuts.hpp"

namespace dnnsim {

std::vector<StageBoundary> stage_boundaries(const Network& network,
                                            const std::vector<LayerExec>& execs,
                                            const PipelinePlan& pipe, double samples) {
  std::vector<StageBoundary> out;
  const double s = word_bytes(network.dtype);
  for (const std::size_t j : boundary_layers(network, pipe.piece)) {
    const LayerExec& e = execs[j];
    const double whole =
        s * samples / static_cast<double>(e.grid.pc) * static_cast<double>(network.layers[j].d_out);
    StageBoundary b{j, whole / static_cast<double>(e.grid.pr), std::nullopt};
    if (e.grid.pr > 1 && e.out_layout == Layout::whole) {
      b.gather = Collective{
          Phase::redistribute, CollectiveOp::allgather, Group::column, false, e.grid.pr, whole};
    }
    out.push_back(b);
  }
  return out;
}

std::vector<TiedAcrossStages> tied_across_stages(const Network& network,
                                                 const std::vector<LayerExec>& execs,
                                                 const PipelinePlan& pipe) {
  std::vector<TiedAcrossStages> out;
  for (std::size_t i = 0; i < network.layers.size(); ++i) {
    const Layer& layer = network.layers[i];
    if (!layer.is_tied()) continue;
    const std::int64_t a = std::min(pipe.stage_of(i), pipe.stage_of(layer.tied));
    const std::int64_t b = std::max(pipe.stage_of(i), pipe.stage_of(layer.tied));
    if (a == b) continue;
    const double n = word_bytes(network.dtype) *
                     static_cast<double>(network.layers[layer.tied].params) /
                     static_cast<double>(execs[layer.tied].grid.pr);
    out.push_back(
        {i, a, b, Collective{Phase::gradient, CollectiveOp::allreduce, Group::all, true, 2, n}});
  }
  return out;
}

}  // namespace dnnsim
