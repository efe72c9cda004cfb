// The forward pass of one layer under each scheme of docs/model.md.

#include <algorithm>

#include "sim/kernels/distributed_network.hpp"
#include "sim/kernels/local/conv2d.hpp"
#include "sim/kernels/local/linear.hpp"
#include "sim/kernels/local/pool.hpp"
#include "sim/kernels/row_exchange.hpp"

namespace dnnsim::kernels {
namespace {

const float* bias_of(const LayerState& s) {
  const auto weights = static_cast<std::size_t>(s.weight_rows.size() * s.fan_in);
  return s.params.size() > weights ? s.params.data() + weights : nullptr;
}

}  // namespace

void DistributedNetwork::gather_output_blocks(LayerState& s) {
  const Band& mine = s.partial;
  const Count pr = s.exec.grid.pr;
  const Count units = s.layer->out_shape.channels();
  const Count n = mine.samples.size();
  const Count pixels = mine.rows.size() * mine.width;
  std::vector<int> counts;
  for (Count k = 0; k < pr; ++k) {
    counts.push_back(mpi_count(static_cast<std::size_t>(n * block(units, pr, k).size() * pixels)));
  }
  std::vector<float>& all = s.gathered;
  all.resize(static_cast<std::size_t>(n * units * pixels));
  coll_.allgatherv(s.comms->column(), mine.data.data(), counts, all.data(), Account::forward);
  // Member k sent [sample][its channels][pixel]; put its channels in place.
  Band& out = s.output;
  out.samples = mine.samples;
  out.channels = units;
  out.height = mine.height;
  out.width = mine.width;
  out.rows = mine.rows;
  out.data.resize(all.size());
  const std::vector<int> displs = displacements(counts);
  for (Count k = 0; k < pr; ++k) {
    const Range part = block(units, pr, k);
    const float* from = all.data() + displs[static_cast<std::size_t>(k)];
    for (Count j = 0; j < n; ++j) {
      for (Count c = part.begin; c < part.end; ++c, from += pixels) {
        std::copy(from, from + pixels, out.data.data() + (j * units + c) * pixels);
      }
    }
  }
}

void DistributedNetwork::forward_weighted(LayerState& s) {
  const Layer& layer = *s.layer;
  const Band& x = *s.input;
  const Count m = s.weight_rows.size();
  // Integrated: each process computes its block of output rows; the column gathers them.
  const bool gather = s.exec.exec == Exec::integrated && s.exec.grid.pr > 1;
  Band& y = gather ? s.partial : s.output;
  if (layer.type == LayerType::linear) {
    y.samples = x.samples;
    y.channels = m;
    y.height = 1;
    y.width = 1;
    y.rows = {0, 1};
    y.data.resize(static_cast<std::size_t>(x.samples.size() * m));
    linear_forward(x.data.data(), x.samples.size(), x.channels, s.params.data(), bias_of(s), m,
                   y.data.data());
  } else {
    const Window g = Window::of(layer);
    conv_forward(x, g, {0, g.out_height}, s.params.data(), bias_of(s), m, s.conv, y);
  }
  if (gather) gather_output_blocks(s);
}

void DistributedNetwork::forward_domain(LayerState& s) {
  const Layer& layer = *s.layer;
  const std::size_t r = s.row_index();
  // The forward halo: input rows the outputs of this slab read from the neighbours.
  if (s.rows.in_fetch != s.rows.in_held) {
    s.arranged =
        fetch_rows(*s.input, s.rows.in_held, s.rows.in_fetch, s.comms->column(), s.row(), coll_);
    s.input = &s.arranged;
  }
  const Window g = Window::of(layer);
  const Range out = s.rows.out_rows[r];
  switch (layer.type) {
    case LayerType::conv2d:
      conv_forward(*s.input, g, out, s.params.data(), bias_of(s), s.weight_rows.size(), s.conv,
                   s.output);
      break;
    case LayerType::maxpool:
      maxpool_forward(*s.input, g, out, s.output, s.argmax);
      break;
    default:
      avgpool_forward(*s.input, g, out, s.output);
      break;
  }
}

void DistributedNetwork::forward_whole(LayerState& s) {
  const Layer& layer = *s.layer;
  const Band& x = *s.input;
  switch (layer.type) {
    case LayerType::maxpool: {
      const Window g = Window::of(layer);
      maxpool_forward(x, g, {0, g.out_height}, s.output, s.argmax);
      break;
    }
    case LayerType::avgpool: {
      const Window g = Window::of(layer);
      avgpool_forward(x, g, {0, g.out_height}, s.output);
      break;
    }
    case LayerType::flatten:
      // [sample][channel][row][col] is already [sample][feature].
      s.output = x;
      s.output.channels = layer.d_out;
      s.output.height = 1;
      s.output.width = 1;
      s.output.rows = {0, 1};
      break;
    default:  // relu, on whatever part of its input this process holds
      s.output.samples = x.samples;
      s.output.channels = x.channels;
      s.output.height = x.height;
      s.output.width = x.width;
      s.output.rows = x.rows;
      s.output.data.resize(x.data.size());
      std::transform(x.data.begin(), x.data.end(), s.output.data.begin(),
                     [](float v) { return std::max(v, 0.0F); });
      break;
  }
}

}  // namespace dnnsim::kernels
