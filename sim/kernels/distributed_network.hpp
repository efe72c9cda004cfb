#pragma once
// A network's forward and backward passes distributed over the processes of a base
// communicator as a plan says (docs/model.md): each layer on its Pr x Pc grid, its weights,
// samples and image rows split as its scheme requires, with real collectives on real
// data. On a 1 x 1 plan over MPI_COMM_SELF it is the single-process reference.

#include <cstdint>
#include <vector>

#include <mpi.h>

#include "sim/kernels/collectives.hpp"
#include "sim/kernels/grid_comms.hpp"
#include "sim/kernels/local/band.hpp"
#include "sim/kernels/local/conv2d.hpp"
#include "sim/kernels/local/row_layout.hpp"
#include "sim/kernels/redistribute.hpp"
#include "sim/strategy/layout.hpp"
#include "sim/strategy/plan.hpp"
#include "sim/workload/network.hpp"

namespace dnnsim::kernels {

/// One layer as this process runs it.
struct LayerState {
  const Layer* layer = nullptr;
  LayerExec exec;
  const GridComms* comms = nullptr;
  RowLayout rows;
  Range weight_rows;            ///< output channels / features whose weights this process holds
  Count fan_in = 0;             ///< weights per output channel / feature
  std::vector<float> params;    ///< [weight_rows x fan_in] weights, then the bias of those rows
  std::vector<float> grads;     ///< the same layout; after backward, summed over the processes
  const Band* input = nullptr;  ///< what the forward pass read: the previous output or `arranged`
  Band arranged;     ///< the input after a layout change or with its halo rows, when it needs one
  ConvBuffers conv;  ///< conv: im2col of `input` (kept for the weight gradient) and scratch
  std::vector<std::int64_t> argmax;  ///< maxpool: where each output came from
  Band output;                       ///< the output as the next layer receives it
  Band partial;  ///< integrated: this process's block of the output, before the gather
  std::vector<float> gathered;  ///< integrated: the gathered blocks, before they are interleaved
  Band input_grad;              ///< dX on the input rows this process held (if computed)

  [[nodiscard]] int row() const noexcept { return comms->row(); }
  [[nodiscard]] std::size_t row_index() const noexcept {
    return static_cast<std::size_t>(comms->row());
  }
};

class DistributedNetwork {
 public:
  /// Collective over `base` (communicators are split here). `network` and the plan's
  /// limits must already be checked.
  DistributedNetwork(const Network& network, const Plan& plan, Count batch, std::uint64_t seed,
                     MPI_Comm base, Collectives& coll);

  void forward();
  void backward();

  [[nodiscard]] const std::vector<LayerState>& layers() const noexcept { return layers_; }
  [[nodiscard]] Count batch() const noexcept { return batch_; }

 private:
  [[nodiscard]] Band network_input() const;
  [[nodiscard]] Band loss_gradient() const;
  [[nodiscard]] BandLayout input_layout(std::size_t i) const;
  [[nodiscard]] BandLayout output_layout(std::size_t i) const;
  /// The previous layer's output laid out as layer i reads it (grid change, gather, slab):
  /// the output itself when nothing changes, else layer i's `arranged`.
  [[nodiscard]] const Band* arrange_input(std::size_t i);
  /// Layer i's input gradient laid out as layer i - 1's output: the gradient itself when
  /// nothing changes, else `storage`.
  [[nodiscard]] const Band* gradient_for_previous(std::size_t i, Band& storage);

  void forward_layer(std::size_t i, const Band* x);
  void backward_layer(std::size_t i, const Band& dy);

  // Per scheme (layer_forward.cpp, layer_backward.cpp).
  void forward_weighted(LayerState& s);
  void forward_domain(LayerState& s);
  void forward_whole(LayerState& s);
  void backward_weighted(LayerState& s, const Band& dy);
  void backward_domain(LayerState& s, const Band& dy);
  void backward_whole(LayerState& s, const Band& dy);
  void backward_relu(LayerState& s, const Band& dy);

  /// Gathers an integrated layer's output blocks (channels or features) over the column
  /// from s.partial into s.output.
  void gather_output_blocks(LayerState& s);

  const Network& network_;
  Count batch_;
  std::uint64_t seed_;
  MPI_Comm base_;
  Collectives& coll_;
  CommCache comms_;
  std::vector<LayerState> layers_;
  Band input_;  ///< this process's part of the network input (the same every iteration)
  Band loss_;   ///< and of the loss gradient, made at the first backward pass
};

}  // namespace dnnsim::kernels
