#include "sim/kernels/local/memory_estimate.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "sim/kernels/local/band_layout.hpp"
#include "sim/kernels/local/gemm_shapes.hpp"
#include "sim/kernels/local/row_layout.hpp"
#include "sim/strategy/layout.hpp"

namespace dnnsim::kernels {
namespace {

// Sizes in double: a batch being refused may hold more floats than an int64 counts.
constexpr double kFloat = 4.0;
constexpr double kIndex = 8.0;  // maxpool's argmax, std::int64_t per output

double box(Count samples, Count channels, Range rows, Count width) {
  return static_cast<double>(samples) * static_cast<double>(channels) *
         static_cast<double>(rows.size()) * static_cast<double>(width);
}

Count out_units(const Layer& layer) {
  return layer.type == LayerType::conv2d ? layer.out_channels : layer.out_features;
}

// Where process `rank` sits on a layer's grid (row k % Pr, column k / Pr).
struct Place {
  std::size_t row = 0;
  Count samples = 0;  ///< of its column's share of the batch
};

Place place_of(const LayerExec& e, Count batch, int rank) {
  return {static_cast<std::size_t>(e.grid.row_of(rank)),
          block(batch, e.grid.pc, e.grid.column_of(rank)).size()};
}

// redistribute(): its result, a resized copy of the source, keeps the larger capacity;
// on top, what is packed to send and the receive buffer.
struct Moved {
  double out = 0.0;   ///< capacity of the result
  double peak = 0.0;  ///< the most it holds at once, the result included
};

Moved moved(double src, const BandLayout& from, const BandLayout& to, Count batch, int me,
            int procs, Count channels, Count width) {
  const Range out_samples = to.samples(batch, me);
  const Range out_rows = to.rows_of(me);
  const double result = box(out_samples.size(), channels, out_rows, width);
  const Range my_samples = from.owned_samples(batch, me);
  const Range my_rows = from.rows_of(me);
  double send = 0.0;
  double recv = 0.0;
  for (int k = 0; k < procs; ++k) {
    send += box(intersect(my_samples, to.samples(batch, k)).size(), channels,
                intersect(my_rows, to.rows_of(k)), width);
    recv += box(intersect(from.owned_samples(batch, k), out_samples).size(), channels,
                intersect(from.rows_of(k), out_rows), width);
  }
  const double out = std::max(src, result);
  return {out, std::max(src + result, out + send + recv)};
}

// fetch_rows(): the rows fetched (kept or not by the caller) and, on top, the packed copy
// of the held rows and the larger round's send and receive buffers.
struct Fetched {
  double out = 0.0;
  double scratch = 0.0;
};

Fetched fetched(const std::vector<Range>& held, const std::vector<Range>& fetch, std::size_t r,
                Count samples, Count channels, Count width) {
  Fetched f;
  f.out = box(samples, channels, hull(held[r], fetch[r]), width);
  double round_max = 0.0;
  for (std::size_t round = 0; round < 2; ++round) {
    const std::size_t partner = r % 2 == round ? r + 1 : r - 1;  // r - 1 wraps past 0
    if (partner >= held.size()) continue;
    round_max =
        std::max(round_max, box(samples, channels, intersect(held[r], fetch[partner]), width) +
                                box(samples, channels, intersect(held[partner], fetch[r]), width));
  }
  f.scratch = box(samples, channels, held[r], width) + round_max;
  return f;
}

}  // namespace

PassMemory pass_memory(const Network& network, const Plan& plan, Count batch, int rank) {
  const std::vector<LayerExec> execs = resolve_layout(network, plan);
  const std::vector<RowLayout> rows = row_layouts(network, execs);
  const std::size_t layers = network.layers.size();
  const int procs = static_cast<int>(plan.procs);

  double kept = 0.0;  // floats and indices, in bytes
  double temp = 0.0;
  const auto keep = [&kept](double floats) { kept += kFloat * floats; };
  const auto hold = [&temp](double floats) { temp = std::max(temp, kFloat * floats); };

  // Per layer, in floats here: output, input gradient, and a convolution's im2col, GEMM
  // result and dY-matrix buffers (the largest size either pass gives them).
  std::vector<double> out(layers, 0.0);
  std::vector<double> dx(layers, 0.0);
  std::vector<double> cols(layers, 0.0);
  std::vector<double> product(layers, 0.0);
  std::vector<double> grad(layers, 0.0);

  // The forward pass: weights and gradients, the input as the layer reads it, its output.
  for (std::size_t i = 0; i < layers; ++i) {
    const Layer& layer = network.layers[i];
    const LayerExec& e = execs[i];
    const RowLayout& rl = rows[i];
    const Place at = place_of(e, batch, rank);
    const Count n = at.samples;
    const Count c_in = layer.in_shape.channels();
    const Count w_in = layer.in_shape.width();
    const Count h_in = layer.in_shape.height();
    const Count c_out = layer.out_shape.channels();
    const Count w_out = layer.out_shape.width();
    const Range held = rl.in_held[at.row];
    const double held_size = box(n, c_in, held, w_in);

    const Count units = layer.params > 0 ? out_units(layer) : 0;
    const Count m = e.exec == Exec::integrated && units > 0
                        ? block(units, e.grid.pr, static_cast<Count>(at.row)).size()
                        : units;
    if (layer.params > 0) {
      const Count fan_in = (layer.params - (layer.bias ? units : 0)) / units;
      keep(2.0 * (static_cast<double>(m) * static_cast<double>(fan_in) +
                  (layer.bias ? static_cast<double>(m) : 0.0)));  // params and grads
    }

    // The input: the network's, or the previous output moved to this layer's layout.
    double arranged = 0.0;
    if (i == 0) {
      keep(held_size);
    } else if (e.input_change == LayoutChange::change_grid) {
      const BandLayout from{execs[i - 1].grid, rows[i - 1].out_rows, h_in};
      BandLayout whole{e.grid, {}, h_in};
      whole.rows.assign(static_cast<std::size_t>(e.grid.pr), Range{0, h_in});
      const Moved mv = moved(out[i - 1], from, whole, batch, rank, procs, c_in, w_in);
      hold(mv.peak);
      if (held == Range{0, h_in}) {
        arranged = mv.out;
      } else {
        arranged = held_size;
        hold(mv.out + held_size);  // the slab sliced from what arrived
      }
    } else if (e.input_change == LayoutChange::gather) {
      arranged = box(n, c_in, Range{0, h_in}, w_in);
      hold(arranged);  // the gathered parts before they are laid out
    } else if (rows[i - 1].out_rows[at.row] != held) {
      arranged = held_size;
      hold(arranged);  // a new slab while the last iteration's is still held
    }

    switch (e.exec) {
      case Exec::integrated:
      case Exec::replicated: {
        const bool gather = e.exec == Exec::integrated && e.grid.pr > 1;
        const double pixels = static_cast<double>(layer.out_shape.height() * w_out);
        const double mine = static_cast<double>(n) * static_cast<double>(m) * pixels;
        if (layer.type == LayerType::conv2d) {
          cols[i] = static_cast<double>(c_in * layer.kernel.h * layer.kernel.w) *
                    static_cast<double>(n) * pixels;
          product[i] = mine;
        }
        out[i] = gather ? static_cast<double>(n) * static_cast<double>(units) * pixels : mine;
        if (gather) keep(mine + out[i]);  // the block computed and the blocks gathered
        break;
      }
      case Exec::domain: {
        if (rl.in_fetch != rl.in_held) {
          const Fetched f = fetched(rl.in_held, rl.in_fetch, at.row, n, c_in, w_in);
          hold(arranged + f.scratch);  // the held input is read while the halo arrives
          arranged = f.out;
        }
        const Range own = rl.out_rows[at.row];
        out[i] = box(n, c_out, own, w_out);
        if (layer.type == LayerType::conv2d) {
          cols[i] =
              static_cast<double>(c_in * layer.kernel.h * layer.kernel.w) * box(n, 1, own, w_out);
          product[i] = out[i];
        } else if (layer.type == LayerType::maxpool) {
          kept += kIndex * out[i];
        }
        break;
      }
      default:  // attention, column, row: refused in kernel_options.cpp
        throw std::logic_error("the kernels do not run attention, column or row");
      case Exec::whole:
      case Exec::follow:
        if (layer.type == LayerType::maxpool || layer.type == LayerType::avgpool) {
          out[i] = box(n, c_out, Range{0, layer.out_shape.height()}, w_out);
          if (layer.type == LayerType::maxpool) kept += kIndex * out[i];
        } else {
          out[i] = held_size;  // flatten relabels a copy, relu maps one
        }
        break;
    }
    keep(arranged + out[i]);
  }

  // Backward, down to the first layer whose input gradient is needed. Two converted
  // gradients live at once (read and made); the next slot holds one from two layers up.
  keep(out.back());  // the loss gradient
  std::array<double, 2> slot{0.0, 0.0};
  for (std::size_t i = layers; i-- > 0;) {
    const Layer& layer = network.layers[i];
    const LayerExec& e = execs[i];
    const RowLayout& rl = rows[i];
    const Place at = place_of(e, batch, rank);
    const Count n = at.samples;
    const Count c_in = layer.in_shape.channels();
    const Count w_in = layer.in_shape.width();
    const Count c_out = layer.out_shape.channels();
    const Count w_out = layer.out_shape.width();
    const double slots = slot[0] + slot[1];
    const double fan_in = static_cast<double>(c_in * layer.kernel.h * layer.kernel.w);
    if (e.input_grad) dx[i] = box(n, c_in, rl.in_held[at.row], w_in);

    switch (e.exec) {
      case Exec::integrated:
      case Exec::replicated: {
        const Count units = out_units(layer);
        const Count m = e.exec == Exec::integrated
                            ? block(units, e.grid.pr, static_cast<Count>(at.row)).size()
                            : units;
        const double pixels = static_cast<double>(layer.out_shape.height() * w_out);
        const double mine = static_cast<double>(n) * static_cast<double>(m) * pixels;
        const double block_copy = m != units ? mine : 0.0;  // this process's channels of dY
        if (layer.type == LayerType::conv2d) {
          grad[i] = mine;
          if (e.input_grad) {
            product[i] = std::max(product[i], fan_in * static_cast<double>(n) * pixels);
          }
        }
        // Open MPI's all-reduce may take a scratch copy of the vector it reduces.
        const double weights = layer.params > 0
                                   ? static_cast<double>(layer.params) * static_cast<double>(m) /
                                         static_cast<double>(units)
                                   : 0.0;
        const double dw_scratch = e.grid.pc > 1 ? weights : 0.0;
        const double dx_scratch = e.exec == Exec::integrated && e.grid.pr > 1 ? dx[i] : 0.0;
        hold(slots + block_copy + std::max(dw_scratch, dx_scratch));
        break;
      }
      case Exec::domain: {
        const Range own = rl.out_rows[at.row];
        const double dw_scratch =
            layer.type == LayerType::conv2d && procs > 1 ? static_cast<double>(layer.params) : 0.0;
        double halo = 0.0;
        Range dy_rows = own;
        if (e.input_grad && rl.dy_fetch != rl.out_rows) {
          const Fetched f = fetched(rl.out_rows, rl.dy_fetch, at.row, n, c_out, w_out);
          halo = f.out + f.scratch;
          dy_rows = hull(own, rl.dy_fetch[at.row]);
        }
        if (layer.type == LayerType::conv2d) {
          grad[i] = box(n, c_out, dy_rows, w_out);
          if (e.input_grad) product[i] = std::max(product[i], fan_in * box(n, 1, dy_rows, w_out));
        }
        hold(slots + std::max(dw_scratch, halo));
        break;
      }
      default:  // attention, column, row: refused in kernel_options.cpp
        throw std::logic_error("the kernels do not run attention, column or row");
      case Exec::whole:
      case Exec::follow:
        hold(slots);
        break;
    }
    keep(dx[i]);
    if (!e.input_grad || i == 0) break;

    // The gradient laid out as the layer below produced its output.
    const LayerExec& below = execs[i - 1];
    const std::vector<Range>& below_rows = rows[i - 1].out_rows;
    bool local = e.input_change != LayoutChange::change_grid;
    for (std::size_t r = 0; local && r < rl.in_held.size(); ++r) {
      local = rl.in_held[r].covers(below_rows[r]);
    }
    double made = 0.0;
    if (local) {
      const Range want = below_rows[at.row];
      if (want != rl.in_held[at.row]) made = box(n, c_in, want, w_in);
      hold(slots + made);
    } else {
      const Count h_in = layer.in_shape.height();
      const Moved mv = moved(dx[i], {e.grid, rl.in_held, h_in}, {below.grid, below_rows, h_in},
                             batch, rank, procs, c_in, w_in);
      made = mv.out;
      hold(slots + mv.peak);
    }
    slot[i % 2] = made;
  }
  for (std::size_t i = 0; i < layers; ++i) keep(cols[i] + product[i] + grad[i]);
  return {kept, temp};
}

double check_memory(const Network& network, const Plan& plan, Count batch, int rank) {
  const std::vector<LayerExec> execs = resolve_layout(network, plan);
  const std::vector<RowLayout> rows = row_layouts(network, execs);
  double most = 0.0;
  for (std::size_t i = 0; i < network.layers.size(); ++i) {
    const Layer& layer = network.layers[i];
    const LayerExec& e = execs[i];
    const Place at = place_of(e, batch, rank);
    const RowLayout& rl = rows[i];
    const double b = static_cast<double>(batch);
    // The whole reference tensors, and the part of each matching this process's own.
    const double ref_out = b * static_cast<double>(layer.d_out);
    double t = ref_out + box(at.samples, layer.out_shape.channels(), rl.out_rows[at.row],
                             layer.out_shape.width());
    const double ref_dx = e.input_grad ? b * static_cast<double>(layer.d_in) : 0.0;
    if (e.input_grad) {
      t = std::max(t, ref_out + ref_dx +
                          box(at.samples, layer.in_shape.channels(), rl.in_held[at.row],
                              layer.in_shape.width()));
    }
    if (layer.params > 0) {
      t = std::max(t, ref_out + ref_dx + static_cast<double>(layer.params));
    }
    most = std::max(most, t);
  }
  return kFloat * most;
}

}  // namespace dnnsim::kernels
