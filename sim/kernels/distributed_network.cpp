#include "sim/kernels/distributed_network.hpp"

#include <array>
#include <cmath>
#include <stdexcept>

#include "sim/kernels/local/seeded.hpp"

namespace dnnsim::kernels {
namespace {

// Streams of seeded_value: the input, the loss gradient, and two per layer.
constexpr std::uint64_t kInputStream = 1;
constexpr std::uint64_t kLossStream = 2;
std::uint64_t weight_stream(std::size_t i) {
  return 16 + 2 * static_cast<std::uint64_t>(i);
}
std::uint64_t bias_stream(std::size_t i) {
  return 17 + 2 * static_cast<std::uint64_t>(i);
}

Count out_units(const Layer& layer) {
  return layer.type == LayerType::conv2d ? layer.out_channels : layer.out_features;
}

// Fills a band with seeded values indexed by position in the whole batch, so every
// process's part equals the same part of the single process's batch.
void fill_seeded(Band& band, std::uint64_t seed, std::uint64_t stream) {
  std::size_t k = 0;
  for (Count j = band.samples.begin; j < band.samples.end; ++j) {
    for (Count c = 0; c < band.channels; ++c) {
      for (Count h = band.rows.begin; h < band.rows.end; ++h) {
        for (Count w = 0; w < band.width; ++w, ++k) {
          const Count index = ((j * band.channels + c) * band.height + h) * band.width + w;
          band.data[k] = seeded_value(seed, stream, static_cast<std::uint64_t>(index));
        }
      }
    }
  }
}

}  // namespace

DistributedNetwork::DistributedNetwork(const Network& network, const Plan& plan, Count batch,
                                       std::uint64_t seed, MPI_Comm base, Collectives& coll)
    : network_(network), batch_(batch), seed_(seed), base_(base), coll_(coll), comms_(base) {
  const std::vector<LayerExec> execs = resolve_layout(network, plan);
  const std::vector<RowLayout> rows = row_layouts(network, execs);
  layers_.resize(network.layers.size());
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    LayerState& s = layers_[i];
    const Layer& layer = network.layers[i];
    s.layer = &layer;
    s.exec = execs[i];
    s.comms = &comms_.get(s.exec.grid);
    s.rows = rows[i];
    if (layer.params == 0) continue;

    // Weights: a block of output rows under the integrated scheme, all of them otherwise.
    const Count units = out_units(layer);
    s.weight_rows =
        s.exec.exec == Exec::integrated ? block(units, s.exec.grid.pr, s.row()) : Range{0, units};
    s.fan_in = (layer.params - (layer.bias ? units : 0)) / units;
    const Count m = s.weight_rows.size();
    s.params.resize(static_cast<std::size_t>(m * s.fan_in + (layer.bias ? m : 0)));
    const float scale = 1.0F / std::sqrt(static_cast<float>(s.fan_in));
    std::size_t k = 0;
    for (Count o = s.weight_rows.begin; o < s.weight_rows.end; ++o) {
      for (Count f = 0; f < s.fan_in; ++f) {
        s.params[k++] = scale * seeded_value(seed, weight_stream(i),
                                             static_cast<std::uint64_t>(o * s.fan_in + f));
      }
    }
    if (layer.bias) {
      for (Count o = s.weight_rows.begin; o < s.weight_rows.end; ++o) {
        s.params[k++] = scale * seeded_value(seed, bias_stream(i), static_cast<std::uint64_t>(o));
      }
    }
    s.grads.assign(s.params.size(), 0.0F);
  }
  input_ = network_input();
}

BandLayout DistributedNetwork::input_layout(std::size_t i) const {
  const LayerState& s = layers_[i];
  return {s.exec.grid, s.rows.in_held, s.layer->in_shape.height()};
}

BandLayout DistributedNetwork::output_layout(std::size_t i) const {
  const LayerState& s = layers_[i];
  return {s.exec.grid, s.rows.out_rows, s.layer->out_shape.height()};
}

Band DistributedNetwork::network_input() const {
  // docs/model.md: the input arrives laid out as the first layer needs it, at no cost.
  const BandLayout layout = input_layout(0);
  int me = 0;
  MPI_Comm_rank(base_, &me);
  Band x = Band::zeros(network_.input, layout.samples(batch_, me), layout.rows_of(me));
  fill_seeded(x, seed_, kInputStream);
  return x;
}

Band DistributedNetwork::loss_gradient() const {
  // The loss is sum(Y * G) for a seeded G, so dL/dY = G on whatever part of Y is held.
  Band g = layers_.back().output;
  fill_seeded(g, seed_, kLossStream);
  return g;
}

const Band* DistributedNetwork::arrange_input(std::size_t i) {
  LayerState& s = layers_[i];
  const Band& prev = layers_[i - 1].output;
  const std::size_t r = s.row_index();
  if (s.exec.input_change == LayoutChange::change_grid) {
    // docs/model.md: each process receives the whole input of its new share of samples.
    BandLayout whole{s.exec.grid, {}, s.layer->in_shape.height()};
    whole.rows.assign(static_cast<std::size_t>(s.exec.grid.pr), Range{0, whole.height});
    s.arranged = redistribute(prev, output_layout(i - 1), whole, batch_, base_, coll_,
                              Account::redistribute, CountAs::result);
    if (s.arranged.rows != s.rows.in_held[r]) {
      s.arranged = slice(s.arranged, s.arranged.samples, s.rows.in_held[r]);
    }
    return &s.arranged;
  }
  if (s.exec.input_change == LayoutChange::gather) {
    // docs/model.md: a split input reaching a whole-sample layer is all-gathered in the column.
    const std::vector<Range>& parts = layers_[i - 1].rows.out_rows;
    Band& whole = s.arranged;
    whole.samples = prev.samples;
    whole.channels = prev.channels;
    whole.height = prev.height;
    whole.width = prev.width;
    whole.rows = {0, prev.height};
    std::vector<int> counts;
    for (const Range& part : parts) {
      counts.push_back(mpi_count(box_elements(prev, prev.samples, part)));
    }
    std::vector<float> all(
        static_cast<std::size_t>(whole.samples.size() * whole.sample_elements()));
    coll_.allgatherv(s.comms->column(), prev.data.data(), counts, all.data(),
                     Account::redistribute);
    whole.data.resize(all.size());
    const std::vector<int> displs = displacements(counts);
    for (std::size_t k = 0; k < parts.size(); ++k) {
      unpack_box(all.data() + displs[k], prev.samples, parts[k], whole);
    }
    return &whole;
  }
  // Same grid: the held rows are the previous output's, or a slab of a whole input.
  if (prev.rows == s.rows.in_held[r]) return &prev;
  if (!prev.rows.covers(s.rows.in_held[r])) throw std::logic_error("input rows not held");
  s.arranged = slice(prev, prev.samples, s.rows.in_held[r]);
  return &s.arranged;
}

const Band* DistributedNetwork::gradient_for_previous(std::size_t i, Band& storage) {
  const LayerState& s = layers_[i];
  const LayerState& p = layers_[i - 1];
  const Band& dx = s.input_grad;
  // Free when every process already holds what the previous layer's output had (a
  // gathered input gives back its slab); otherwise an all-to-all docs/model.md does not count.
  bool local = s.exec.input_change != LayoutChange::change_grid;
  for (std::size_t r = 0; local && r < s.rows.in_held.size(); ++r) {
    local = s.rows.in_held[r].covers(p.rows.out_rows[r]);
  }
  if (local) {
    const Range want = p.rows.out_rows[p.row_index()];
    if (dx.rows == want) return &dx;
    storage = slice(dx, dx.samples, want);
    return &storage;
  }
  storage = redistribute(dx, input_layout(i), output_layout(i - 1), batch_, base_, coll_,
                         Account::unmodelled, CountAs::received);
  return &storage;
}

void DistributedNetwork::forward() {
  Traffic& traffic = coll_.traffic();
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    traffic.set_layer(i);
    const double start = MPI_Wtime();
    forward_layer(i, i == 0 ? &input_ : arrange_input(i));
    traffic.add_total_s(MPI_Wtime() - start);
  }
}

void DistributedNetwork::backward() {
  Traffic& traffic = coll_.traffic();
  if (loss_.data.empty()) loss_ = loss_gradient();
  const Band* dy = &loss_;
  std::array<Band, 2> storage;  // a converted gradient, and the next while it is read
  for (std::size_t i = layers_.size(); i-- > 0;) {
    traffic.set_layer(i);
    const double start = MPI_Wtime();
    backward_layer(i, *dy);
    // Nothing upstream has parameters: no one needs the gradient of this layer's input.
    const bool more = layers_[i].exec.input_grad && i > 0;
    if (more) dy = gradient_for_previous(i, storage[i % 2]);
    traffic.add_total_s(MPI_Wtime() - start);
    if (!more) break;
  }
}

void DistributedNetwork::forward_layer(std::size_t i, const Band* x) {
  LayerState& s = layers_[i];
  s.input = x;
  switch (s.exec.exec) {
    case Exec::integrated:
    case Exec::replicated:
      forward_weighted(s);
      break;
    case Exec::domain:
      forward_domain(s);
      break;
    case Exec::heads:  // refused before (kernel_support.cpp, kernel_options.cpp)
    case Exec::local_heads:
    case Exec::column:
    case Exec::row:
      throw std::logic_error("the kernels do not run attention, column or row");
    case Exec::whole:
    case Exec::follow:
      forward_whole(s);
      break;
  }
}

void DistributedNetwork::backward_layer(std::size_t i, const Band& dy) {
  LayerState& s = layers_[i];
  std::fill(s.grads.begin(), s.grads.end(), 0.0F);
  switch (s.exec.exec) {
    case Exec::integrated:
    case Exec::replicated:
      backward_weighted(s, dy);
      break;
    case Exec::domain:
      backward_domain(s, dy);
      break;
    case Exec::heads:
    case Exec::local_heads:
    case Exec::column:
    case Exec::row:
      throw std::logic_error("the kernels do not run attention, column or row");
    case Exec::whole:
      backward_whole(s, dy);
      break;
    case Exec::follow:
      backward_relu(s, dy);
      break;
  }
}

}  // namespace dnnsim::kernels
