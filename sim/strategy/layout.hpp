#pragma once
// How each layer of a plan actually runs: which scheme of docs/model.md applies, the layout of
// its input and output, and whether its input must change layout or grid first
// (docs/model.md, "Layouts and changing them"). Both engines read this, so they agree on
// which collectives exist.

#include <cstdint>
#include <vector>

#include "sim/strategy/plan.hpp"
#include "sim/workload/network.hpp"

namespace dnnsim {

enum class Exec : std::uint8_t {
  integrated,   ///< weighted layer, 1.5D scheme (batch and model are its extreme grids)
  domain,       ///< windowed layer splitting the image height over Pr
  replicated,   ///< linear layer under `domain`: computed redundantly within a column
  whole,        ///< needs whole samples, no communication of its own (pooling under
                ///< non-domain kinds, flatten, adaptive pooling, layernorm, softmax)
  heads,        ///< attention splitting its heads over Pr, its output gathered
  local_heads,  ///< attention on the heads of a feature-split QKV: no communication
  column,       ///< linear or embedding split by output features, output left split
  row,          ///< linear split by input features (embedding: by vocabulary), output summed
  follow,       ///< elementwise: keeps its input's layout (relu, dropout, batchnorm, add, ...)
};

/// How one input of a layer must change before the layer runs (docs/model.md, "Layouts and
/// changing them"): the one place where both engines and the real kernels learn it.
enum class LayoutChange : std::uint8_t {
  none,         ///< it lies as the layer needs it, or the layer takes its part for free
  gather,       ///< split over the Pr processes of a column (by rows or by features), needed
                ///< otherwise: all-gathered there
  change_grid,  ///< on another grid (per-layer plans): each process receives, whole, the
                ///< input of its new share of the samples
};

enum class Layout : std::uint8_t {
  whole,     ///< every process of a column holds whole samples of the column's share
  split,     ///< the image height (or tokens) is split over the Pr processes of a column
  features,  ///< the features (channels, heads) are split over the Pr processes of a column
};

struct LayerExec {
  Exec exec = Exec::follow;
  Kind kind = Kind::integrated;  ///< as reported in the output
  ProcessGrid grid;
  Layout in_layout = Layout::whole;  ///< the first input's, as its layer left it
  Layout out_layout = Layout::whole;
  /// The largest change any input needs (change_grid, then gather, then none); each input's
  /// own is input_change().
  LayoutChange input_change = LayoutChange::none;
  bool input_grad = false;         ///< something upstream has parameters (docs/model.md)
  bool domain_statistics = false;  ///< batchnorm on a split input: per-column statistics
  int zero = 0;                    ///< the plan's ZeRO stage (docs/model.md)
  /// Recomputed in the backward pass: the attention core under `selective`, every layer of
  /// a transformer block under `full` (docs/model.md, "Recomputation").
  Recompute recompute = Recompute::none;

  friend bool operator==(const LayerExec&, const LayerExec&) = default;
};

/// How many processes share a layer's FLOPs (docs/model.md, "Compute"): all P for integrated
/// and domain layers; the Pc columns for a layer computed redundantly within its column (a
/// replicated linear layer, and a whole-sample layer such as matmul, which communicates
/// nothing and so cannot split its work over the column).
[[nodiscard]] double compute_sharers(const LayerExec& e) noexcept;

/// The change input `k` of layer `i` needs under resolved `execs` (a learned tensor, which
/// lies as its reader needs it, never needs one).
[[nodiscard]] LayoutChange input_change(const Network& network, const std::vector<LayerExec>& execs,
                                        std::size_t i, std::size_t k) noexcept;

/// The layout an elementwise layer `i` keeps: its inputs' split (whole inputs are cut for
/// free), or whole when they are split two ways (rows and features).
[[nodiscard]] Layout followed_layout(const Network& network, const std::vector<LayerExec>& execs,
                                     std::size_t i) noexcept;

/// Resolves layer `i` from the plan and its inputs' entries of `execs` (already resolved).
void resolve_layer(const Network& network, const Plan& plan, std::vector<LayerExec>& execs,
                   std::size_t i);

/// Resolves every layer of `plan`; `out` is reused to avoid allocations in sweeps.
void resolve_layout(const Network& network, const Plan& plan, std::vector<LayerExec>& out);

[[nodiscard]] std::vector<LayerExec> resolve_layout(const Network& network, const Plan& plan);

/// Logs every layer's kind, grid, execution and layout changes (logger "plan", debug).
void log_layout(const Network& network, const std::vector<LayerExec>& execs);

}  // namespace dnnsim
