// The backward pass of one layer under each scheme of docs/model.md: weight gradients summed
// over the processes that share the weights, input gradients where something upstream
// has parameters.

#include <algorithm>

#include "sim/kernels/distributed_network.hpp"
#include "sim/kernels/local/conv2d.hpp"
#include "sim/kernels/local/linear.hpp"
#include "sim/kernels/local/pool.hpp"
#include "sim/kernels/row_exchange.hpp"

namespace dnnsim::kernels {
namespace {

float* bias_grad_of(LayerState& s) {
  const auto weights = static_cast<std::size_t>(s.weight_rows.size() * s.fan_in);
  return s.grads.size() > weights ? s.grads.data() + weights : nullptr;
}

// Channels [part) of a band (an integrated layer's block of output rows), a copy.
Band channel_block(const Band& band, Range part) {
  Band out;
  out.samples = band.samples;
  out.height = band.height;
  out.width = band.width;
  out.rows = band.rows;
  out.channels = part.size();
  const Count pixels = band.rows.size() * band.width;
  out.data.resize(static_cast<std::size_t>(band.samples.size() * out.channels * pixels));
  float* to = out.data.data();
  for (Count j = 0; j < band.samples.size(); ++j) {
    const float* from = band.data.data() + (j * band.channels + part.begin) * pixels;
    to = std::copy(from, from + out.channels * pixels, to);
  }
  return out;
}

// Zeroes the input gradient in place: the buffer is reused from one iteration to the next.
void zero_input_grad(LayerState& s) {
  Band& dx = s.input_grad;
  const Shape& shape = s.layer->in_shape;
  dx.samples = s.input->samples;
  dx.channels = shape.channels();
  dx.height = shape.height();
  dx.width = shape.width();
  dx.rows = s.rows.in_held[s.row_index()];
  dx.data.assign(static_cast<std::size_t>(dx.samples.size() * dx.sample_elements()), 0.0F);
}

}  // namespace

void DistributedNetwork::backward_weighted(LayerState& s, const Band& dy_all) {
  const Layer& layer = *s.layer;
  // This process's block of dY: all of it unless the weights are split.
  Band block;
  const bool whole = s.weight_rows == Range{0, dy_all.channels};
  if (!whole) block = channel_block(dy_all, s.weight_rows);
  const Band& dy = whole ? dy_all : block;
  const Count n = s.input->samples.size();
  const Count m = s.weight_rows.size();
  if (layer.type == LayerType::linear) {
    linear_weight_grad(s.input->data.data(), dy.data.data(), n, s.fan_in, m, s.grads.data(),
                       bias_grad_of(s));
  } else {
    conv_weight_grad(dy, s.conv, s.grads.data(), bias_grad_of(s));
  }
  // docs/model.md: dW is all-reduced over the Pc processes of a row (payload W / Pr integrated,
  // W replicated).
  coll_.allreduce(s.comms->row_comm(), s.grads.data(), s.grads.size(), Account::gradient);
  if (!s.exec.input_grad) return;

  zero_input_grad(s);
  if (layer.type == LayerType::linear) {
    linear_input_grad(dy.data.data(), s.params.data(), n, s.fan_in, m, s.input_grad.data.data());
  } else {
    conv_input_grad(dy, Window::of(layer), s.params.data(), s.fan_in, s.conv, s.input_grad);
  }
  // Integrated: each process has W_r^T dY_r; the column sums them (docs/model.md, backward).
  if (s.exec.exec == Exec::integrated) {
    coll_.allreduce(s.comms->column(), s.input_grad.data.data(), s.input_grad.data.size(),
                    Account::backward);
  }
}

void DistributedNetwork::backward_domain(LayerState& s, const Band& dy) {
  const Layer& layer = *s.layer;
  const Window g = Window::of(layer);
  const std::size_t r = s.row_index();
  if (layer.type == LayerType::conv2d) {
    conv_weight_grad(dy, s.conv, s.grads.data(), bias_grad_of(s));
    // docs/model.md: replicated weights, dW all-reduced over all P.
    coll_.allreduce(s.comms->all(), s.grads.data(), s.grads.size(), Account::gradient);
  }
  if (!s.exec.input_grad) return;

  // The backward halo: rows of dY the input gradient of this slab needs. Max pooling
  // sends a neighbour only the gradients whose maximum lies in that neighbour's rows.
  RowPacker pack;
  if (layer.type == LayerType::maxpool) {
    pack = [&s, &dy, &g](Range rows, int dest, float* out) {
      const Range theirs = s.rows.in_held[static_cast<std::size_t>(dest)];
      const Range own = s.rows.out_rows[s.row_index()];
      for (Count j = dy.samples.begin; j < dy.samples.end; ++j) {
        for (Count c = 0; c < dy.channels; ++c) {
          for (Count oh = rows.begin; oh < rows.end; ++oh) {
            const float* grad = dy.data.data() + dy.offset(j, c, oh);
            const std::size_t base = static_cast<std::size_t>(
                (((j - dy.samples.begin) * dy.channels + c) * own.size() + (oh - own.begin)) *
                g.out_width);
            for (Count ow = 0; ow < g.out_width; ++ow) {
              const std::int64_t at = s.argmax[base + static_cast<std::size_t>(ow)];
              *out++ = at >= 0 && theirs.contains(at / g.in_width) ? grad[ow] : 0.0F;
            }
          }
        }
      }
    };
  }
  Band fetched;
  if (s.rows.dy_fetch != s.rows.out_rows) {
    fetched =
        fetch_rows(dy, s.rows.out_rows, s.rows.dy_fetch, s.comms->column(), s.row(), coll_, pack);
  }
  const Band& dy_ext = s.rows.dy_fetch != s.rows.out_rows ? fetched : dy;
  zero_input_grad(s);
  switch (layer.type) {
    case LayerType::conv2d:
      conv_input_grad(dy_ext, g, s.params.data(), s.fan_in, s.conv, s.input_grad);
      break;
    case LayerType::maxpool:
      maxpool_backward(dy_ext, g, s.rows.out_rows[r], s.argmax, *s.input, s.input_grad);
      break;
    default:
      avgpool_backward(dy_ext, g, s.input_grad);
      break;
  }
}

void DistributedNetwork::backward_whole(LayerState& s, const Band& dy) {
  if (!s.exec.input_grad) return;
  const Layer& layer = *s.layer;
  switch (layer.type) {
    case LayerType::maxpool: {
      const Window g = Window::of(layer);
      zero_input_grad(s);
      maxpool_backward(dy, g, {0, g.out_height}, s.argmax, *s.input, s.input_grad);
      break;
    }
    case LayerType::avgpool:
      zero_input_grad(s);
      avgpool_backward(dy, Window::of(layer), s.input_grad);
      break;
    default:  // flatten: relabel back
      zero_input_grad(s);
      s.input_grad.data = dy.data;
      break;
  }
}

void DistributedNetwork::backward_relu(LayerState& s, const Band& dy) {
  if (!s.exec.input_grad) return;
  Band& dx = s.input_grad;
  dx.samples = dy.samples;
  dx.channels = dy.channels;
  dx.height = dy.height;
  dx.width = dy.width;
  dx.rows = dy.rows;
  dx.data.resize(dy.data.size());
  std::transform(dy.data.begin(), dy.data.end(), s.output.data.begin(), dx.data.begin(),
                 [](float g, float y) { return y > 0.0F ? g : 0.0F; });
}

}  // namespace dnnsim::kernels
