#pragma once
// A transformer's forward and backward passes distributed over the processes of a base
// communicator as a plan says (docs/kernels.md, "Transformers"): samples over the Pc columns,
// and over the Pr processes of a column the features of `column` and `row` layers (tensor
// parallelism) or the tokens between them (sequence parallelism), with real collectives on
// real data. The layers form a graph (residual adds read two layers); each layer's output
// gradient is the sum of its readers' input gradients. On a 1 x 1 plan over MPI_COMM_SELF it
// is the single-process reference.

#include <cstdint>
#include <vector>

#include <mpi.h>

#include "sim/kernels/collectives.hpp"
#include "sim/kernels/grid_comms.hpp"
#include "sim/kernels/local/token_layout.hpp"
#include "sim/kernels/local/token_ops.hpp"
#include "sim/strategy/plan.hpp"

namespace dnnsim::kernels {

/// A rectangle of a layer's parameters, seen as a matrix `stride` wide from `offset` of
/// the whole parameter vector: rows [rows) x columns [cols).
struct ParamPiece {
  Count offset = 0;
  Count stride = 1;
  Range rows;
  Range cols;
  [[nodiscard]] Count size() const noexcept { return rows.size() * cols.size(); }
};

/// One layer as this process runs it.
struct TokenLayerState {
  const Layer* layer = nullptr;
  LayerExec exec;
  const GridComms* comms = nullptr;
  TokenPlacement place;
  std::vector<ParamPiece> pieces;         ///< the parts of its parameters held, in `params` order
  std::vector<float> params;              ///< empty for a tied layer: it uses its table's
  std::vector<float> grads;               ///< the same layout; after backward, summed as needed
  std::vector<const TokenBlock*> inputs;  ///< what the forward pass read, per input
  std::vector<TokenBlock> arranged;       ///< an input cut or gathered to what is read
  std::vector<float> saved;  ///< layernorm: mean and rstd per row; attention: probabilities
  TokenBlock output;
  TokenBlock output_grad;               ///< dY, summed over the layer's readers
  std::vector<TokenBlock> input_grads;  ///< dX per input, as this process ends up holding it

  [[nodiscard]] int row() const noexcept { return comms->row(); }
};

class TokenNetwork {
 public:
  /// Collective over `base`. `network` and the plan must already be checked
  /// (require_token_support, the model's limits).
  TokenNetwork(const Network& network, const Plan& plan, Count batch, std::uint64_t seed,
               MPI_Comm base, Collectives& coll);

  void forward();
  void backward();

  [[nodiscard]] const std::vector<TokenLayerState>& layers() const noexcept { return layers_; }
  [[nodiscard]] Count batch() const noexcept { return batch_; }
  [[nodiscard]] const Network& network() const noexcept { return network_; }

 private:
  [[nodiscard]] TokenBlock network_input() const;
  /// The parameters layer `i` computes with, and where their gradients go (its table's
  /// for a tied layer).
  [[nodiscard]] const std::vector<float>& weights_of(std::size_t i) const;
  [[nodiscard]] std::vector<float>& weight_grads_of(std::size_t i);
  /// Where layer i's bias starts in its own parameters (after its weights, if they are its own).
  [[nodiscard]] std::size_t bias_offset(std::size_t i) const;
  /// Input k of layer i laid out as the layer reads it: cut for free, or all-gathered over
  /// the column (into `arranged[k]`), counted under `account`.
  [[nodiscard]] const TokenBlock* arrange(std::size_t i, std::size_t k, Account account);
  /// The whole of a block split over the column by tokens or features (all-gather).
  [[nodiscard]] TokenBlock gather(const TokenLayerState& s, const TokenBlock& part,
                                  const Shape& shape, Account account);
  /// Sums partial outputs over the column: all-reduced whole, or reduce-scattered over the
  /// tokens into this process's block when `out` says so.
  void sum_partials(TokenLayerState& s, TokenBlock& partial, const TokenBox& out, Account account);
  /// Adds layer i's input gradient k into its producer's output gradient.
  void pass_gradient(std::size_t i, std::size_t k);
  void reduce_weight_grads(std::size_t i);
  /// Under sequence parallelism a column layer's input came split by tokens and was
  /// gathered: it keeps only its share and gathers it again for its weight gradient.
  [[nodiscard]] bool regathers_input(std::size_t i) const;
  /// dY of layer i as its backward pass reads it: gathered over the tokens for a row layer
  /// under sequence parallelism (into `storage`), else its own.
  [[nodiscard]] const TokenBlock* row_output_grad(std::size_t i, TokenBlock& storage);
  /// The attention core's shape over the heads of `qkv` this process holds.
  [[nodiscard]] AttentionShape attention_shape(std::size_t i, const TokenBlock& qkv) const;

  // Per layer type (token_layer_forward.cpp, token_layer_backward.cpp).
  void forward_layer(std::size_t i);
  void backward_layer(std::size_t i);
  void forward_linear(std::size_t i);
  void backward_linear(std::size_t i);
  void forward_embedding(std::size_t i);
  void backward_embedding(std::size_t i);
  void forward_attention(std::size_t i);
  void backward_attention(std::size_t i);
  void forward_elementwise(std::size_t i);
  void backward_elementwise(std::size_t i);

  const Network& network_;
  Count batch_;
  std::uint64_t seed_;
  MPI_Comm base_;
  int rank_ = 0;
  Collectives& coll_;
  CommCache comms_;
  std::vector<TokenLayerState> layers_;
  TokenBlock input_;  ///< this process's part of the network input (the same every iteration)
  bool sequence_parallel_ = false;
};

/// Token ids, stored as floats in a one-feature block, as integers.
[[nodiscard]] std::vector<std::int64_t> token_ids(const TokenBlock& ids);

/// The streams of seeded_value a token network draws from (docs/kernels.md).
[[nodiscard]] std::uint64_t token_param_stream(std::size_t layer) noexcept;
[[nodiscard]] std::uint64_t token_dropout_stream(std::size_t layer) noexcept;

}  // namespace dnnsim::kernels
