#pragma once
// Where each layer of a token workload (a transformer) lies on each process: the part of
// every input it reads, the part of its output it writes, and the block of its weights it
// holds, as the resolved plan says (docs/model.md, "Tensor parallelism" and "Sequence
// parallelism"). Pure functions of the plan: the network, its memory estimate and the
// tests read the same answer.

#include <vector>

#include "sim/kernels/local/token_block.hpp"
#include "sim/strategy/layout.hpp"
#include "sim/workload/network.hpp"

namespace dnnsim::kernels {

struct TokenPlacement {
  std::vector<TokenBox> read;  ///< per input, the part the layer reads (the network input's
                               ///< token ids are one feature wide)
  TokenBox out;                ///< the part of the output it writes
  Range weight_rows;           ///< rows of its weight matrix held: output features of a linear,
                               ///< vocabulary entries of an embedding (tied: the table's)
  Range weight_cols;           ///< columns held: input features of a linear, features of a table
};

/// Tokens and features of one sample of layer `i`'s output ([T, F]).
[[nodiscard]] Count tokens_of(const Shape& shape) noexcept;
[[nodiscard]] Count features_of(const Shape& shape) noexcept;

/// Process `rank`'s placement of every layer (rank r sits at row r % Pr, column r / Pr).
[[nodiscard]] std::vector<TokenPlacement> token_placements(const Network& network,
                                                           const std::vector<LayerExec>& execs,
                                                           Count batch, int rank);

/// Refuses, naming the layer, what the kernels do not run on a token workload: layer types
/// other than embedding, position_embedding, dropout, layernorm over the features, linear,
/// attention, gelu, relu, add and identity; the paper's kinds with Pr > 1 (the kernels run batch,
/// column and row kinds on transformers); grid changes; a tied layer that does not hold its
/// embedding's rows.
void require_token_support(const Network& network, const std::vector<LayerExec>& execs);

}  // namespace dnnsim::kernels
