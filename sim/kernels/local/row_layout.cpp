#include "sim/kernels/local/row_layout.hpp"

#include <optional>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/kernels/local/window.hpp"

namespace dnnsim::kernels {
namespace {

std::vector<Range> whole(Count pr, Count height) {
  return std::vector<Range>(static_cast<std::size_t>(pr), Range{0, height});
}

// Halo rows must come from the process rows just above and below (the cost model's limits).
void require_neighbours(const Layer& layer, const std::vector<Range>& held,
                        const std::vector<Range>& fetch, const char* what) {
  const std::size_t pr = held.size();
  for (std::size_t r = 0; r < pr; ++r) {
    const Range above{fetch[r].begin, std::min(held[r].begin, fetch[r].end)};
    const Range below{std::max(held[r].end, fetch[r].begin), fetch[r].end};
    const bool ok_above = above.empty() || (r > 0 && held[r - 1].covers(above));
    const bool ok_below = below.empty() || (r + 1 < pr && held[r + 1].covers(below));
    if (!ok_above || !ok_below) {
      throw LimitError(layer.name,
                       fmt::format("the {} halo of process row {} needs rows [{}, {}) that its "
                                   "direct neighbours do not hold; use fewer grid rows",
                                   what, r, fetch[r].begin, fetch[r].end));
    }
  }
}

// The domain-parallel layer that next reads layer i's output on the same grid, through
// elementwise layers only, or nothing.
std::optional<std::size_t> next_domain(const std::vector<LayerExec>& execs, std::size_t i) {
  for (std::size_t j = i + 1; j < execs.size(); ++j) {
    if (execs[j].input_change == LayoutChange::change_grid) return std::nullopt;
    if (execs[j].exec == Exec::domain) return j;
    if (execs[j].exec != Exec::follow) return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::vector<Range> input_slabs(const Layer& layer, const std::vector<Range>& out_rows) {
  const Count h_in = layer.in_shape.height();
  const std::size_t pr = out_rows.size();
  std::vector<Range> slabs(pr);
  for (std::size_t r = 0; r < pr; ++r) {
    const Count begin = r == 0 ? 0 : std::min(h_in, out_rows[r].begin * layer.stride.h);
    const Count end = r + 1 == pr ? h_in : std::min(h_in, out_rows[r + 1].begin * layer.stride.h);
    slabs[r] = {begin, end};
  }
  return slabs;
}

std::vector<RowLayout> row_layouts(const Network& network, const std::vector<LayerExec>& execs) {
  const std::size_t layers = network.layers.size();
  std::vector<RowLayout> out(layers);

  // Output rows of the domain-parallel layers, last first: split evenly (docs/model.md), except
  // that a layer feeding another domain-parallel layer keeps exactly that layer's input
  // slabs, so that every halo is the h rows docs/model.md counts even when Pr does not divide
  // the heights.
  for (std::size_t i = layers; i-- > 0;) {
    if (execs[i].exec != Exec::domain) continue;
    const Count pr = execs[i].grid.pr;
    const std::optional<std::size_t> next = next_domain(execs, i);
    if (next) {
      out[i].out_rows = input_slabs(network.layers[*next], out[*next].out_rows);
    } else {
      for (Count r = 0; r < pr; ++r) {
        out[i].out_rows.push_back(block(network.layers[i].out_shape.height(), pr, r));
      }
    }
  }

  for (std::size_t i = 0; i < layers; ++i) {
    const Layer& layer = network.layers[i];
    const LayerExec& e = execs[i];
    const Count pr = e.grid.pr;
    RowLayout& rl = out[i];

    // Rows of the input as they arrive: the previous layer's output rows when it is split
    // on the same grid (gathered first when this layer needs whole samples), else whole,
    // of which a domain-parallel layer keeps its slab.
    const bool from_split = i > 0 && e.input_change != LayoutChange::change_grid &&
                            execs[i - 1].out_layout == Layout::split;
    if (from_split && e.input_change != LayoutChange::gather) {
      rl.in_held = out[i - 1].out_rows;
    } else if (e.exec == Exec::domain) {
      rl.in_held = input_slabs(layer, rl.out_rows);
    } else {
      rl.in_held = whole(pr, layer.in_shape.height());
    }

    switch (e.exec) {
      case Exec::domain: {
        const Window g = Window::of(layer);
        for (Count r = 0; r < pr; ++r) {
          const auto k = static_cast<std::size_t>(r);
          rl.in_fetch.push_back(hull(rl.in_held[k], g.input_rows(rl.out_rows[k])));
          // No backward halo where nothing upstream needs the input gradient (docs/model.md).
          rl.dy_fetch.push_back(e.input_grad
                                    ? hull(rl.out_rows[k], g.outputs_reading(rl.in_held[k]))
                                    : rl.out_rows[k]);
        }
        require_neighbours(layer, rl.in_held, rl.in_fetch, "forward");
        if (e.input_grad) require_neighbours(layer, rl.out_rows, rl.dy_fetch, "backward");
        break;
      }
      case Exec::follow:
        rl.out_rows = rl.in_held;
        break;
      default:
        rl.out_rows = whole(pr, layer.out_shape.height());
        break;
    }
    if (rl.in_fetch.empty()) rl.in_fetch = rl.in_held;
    if (rl.dy_fetch.empty()) rl.dy_fetch = rl.out_rows;
  }
  return out;
}

}  // namespace dnnsim::kernels
