#include "sim/strategy/layer_comm.hpp"

#include <algorithm>

#include "sim/workload/halo.hpp"

namespace dnnsim {

std::string_view to_string(Phase phase) noexcept {
  switch (phase) {
    case Phase::forward:
      return "forward";
    case Phase::backward:
      return "backward";
    case Phase::gradient:
      return "gradient";
    case Phase::halo:
      return "halo";
    case Phase::redistribute:
      return "redistribute";
  }
  return "forward";
}

std::string_view to_string(Group group) noexcept {
  switch (group) {
    case Group::column:
      return "column";
    case Group::row:
      return "row";
    case Group::all:
      return "all";
  }
  return "all";
}

namespace {

// docs/model.md, "Recomputation": under `full` a block's layers run their forward again
// before their backward, communication included.
void repeat_forward(std::vector<Collective>& out, std::size_t first) {
  const std::size_t end = out.size();
  for (std::size_t k = first; k < end; ++k) {
    if (out[k].backward_pass) continue;
    Collective again = out[k];
    again.backward_pass = true;
    again.before_compute = true;
    out.push_back(again);
  }
}

// docs/model.md, "Sharded data parallelism": each weight-gradient all-reduce becomes a
// reduce-scatter and, after the optimizer step, an all-gather of the updated weights
// (stages 1, 2); stage 3 gathers the weights before the forward and again before the
// backward pass, and ends with the reduce-scatter alone.
void shard(int zero, std::vector<Collective>& out, std::size_t first) {
  const std::size_t end = out.size();
  for (std::size_t k = first; k < end; ++k) {
    Collective& c = out[k];
    if (c.phase != Phase::gradient || c.op != CollectiveOp::allreduce) continue;
    c.op = CollectiveOp::reduce_scatter;
    Collective gather = c;
    gather.op = CollectiveOp::allgather;
    if (zero < 3) {
      out.push_back(gather);
      continue;
    }
    gather.before_compute = true;
    gather.phase = Phase::forward;
    gather.backward_pass = false;
    out.push_back(gather);
    gather.phase = Phase::backward;
    gather.backward_pass = true;
    out.push_back(gather);
  }
}

}  // namespace

void layer_collectives(const Network& network, const std::vector<LayerExec>& execs, std::size_t i,
                       double batch, std::vector<Collective>& out) {
  const std::size_t first = out.size();
  append_collectives(network, execs, i, batch, out);
  if (execs[i].recompute == Recompute::full) repeat_forward(out, first);
  if (execs[i].zero > 0) shard(execs[i].zero, out, first);
}

void append_collectives(const Network& network, const std::vector<LayerExec>& execs, std::size_t i,
                        double batch, std::vector<Collective>& out) {
  const Layer& layer = network.layers[i];
  const LayerExec& e = execs[i];
  const double s = word_bytes(network.dtype);
  const std::int64_t pr = e.grid.pr;
  const std::int64_t pc = e.grid.pc;
  const std::int64_t procs = pr * pc;
  const double samples = batch / static_cast<double>(pc);  // B / Pc, a real division
  const auto add = [&out](Phase phase, CollectiveOp op, Group group, bool backward, std::int64_t p,
                          double bytes, int rounds = 1, std::size_t input = 0) {
    if (p <= 1 || bytes <= 0.0) return false;
    out.push_back({phase, op, group, backward, p, bytes, rounds, input});
    return true;
  };

  // Layout changes before the layer (docs/model.md, "Layouts and changing them"): a grid
  // change of each input on another grid, then one all-gather of what is split.
  double split_words = 0.0;
  for (std::size_t k = 0; k < layer.inputs.size(); ++k) {
    const double words = samples * static_cast<double>(network.layers[layer.inputs[k]].d_out);
    switch (input_change(network, execs, i, k)) {
      case LayoutChange::change_grid:
        add(Phase::redistribute, CollectiveOp::regrid, Group::all, false, procs, s * words, 1, k);
        break;
      case LayoutChange::gather:
        split_words += words;
        break;
      case LayoutChange::none:
        break;
    }
  }
  if (split_words > 0.0) {
    add(Phase::redistribute, CollectiveOp::allgather, Group::column, false, pr, s * split_words);
  }

  switch (e.exec) {
    case Exec::integrated:
      // The 1.5D table: output all-gather, input-gradient all-reduce, weight gradient.
      add(Phase::forward, CollectiveOp::allgather, Group::column, false, pr,
          s * samples * static_cast<double>(layer.d_out));
      if (e.input_grad) {
        add(Phase::backward, CollectiveOp::allreduce, Group::column, true, pr,
            s * samples * static_cast<double>(layer.d_in));
      }
      add(Phase::gradient, CollectiveOp::allreduce, Group::row, true, pc,
          s * static_cast<double>(layer.params) / static_cast<double>(pr));
      break;
    case Exec::domain: {
      const int rounds = static_cast<int>(std::min<std::int64_t>(pr - 1, 2));
      const Shape& in = layer.in_shape;
      const Shape& o = layer.out_shape;
      add(Phase::halo, CollectiveOp::halo, Group::column, false, pr,
          s * samples * static_cast<double>(forward_halo_rows(layer) * in.width() * in.channels()),
          rounds);
      if (e.input_grad) {
        add(Phase::halo, CollectiveOp::halo, Group::column, true, pr,
            s * samples * static_cast<double>(backward_halo_rows(layer) * o.width() * o.channels()),
            rounds);
      }
      add(Phase::gradient, CollectiveOp::allreduce, Group::all, true, procs,
          s * static_cast<double>(layer.params));
      break;
    }
    case Exec::replicated:
      add(Phase::gradient, CollectiveOp::allreduce, Group::row, true, pc,
          s * static_cast<double>(layer.params));
      break;
    case Exec::heads:
      // docs/model.md, "Under the paper's kinds": attention splits its heads over the
      // column and all-gathers its output; each process keeps its heads' part of dX.
      add(Phase::forward, CollectiveOp::allgather, Group::column, false, pr,
          s * samples * static_cast<double>(layer.d_out));
      break;
    case Exec::column: {
      // docs/model.md, "Tensor parallelism": the output stays split by features; the
      // partial input gradients are summed in the column. Under sequence parallelism the
      // input arrived split by tokens (gathered before the layer, above): the layer kept
      // its share, gathers it again for its weight gradient, and scatters dX's sum.
      const double in_bytes = s * samples * static_cast<double>(layer.d_in);
      const bool tokens = e.in_layout == Layout::split;
      if (tokens &&
          add(Phase::backward, CollectiveOp::allgather, Group::column, true, pr, in_bytes)) {
        out.back().before_compute = true;
      }
      if (e.input_grad) {
        add(Phase::backward, tokens ? CollectiveOp::reduce_scatter : CollectiveOp::allreduce,
            Group::column, true, pr, in_bytes);
      }
      add(Phase::gradient, CollectiveOp::allreduce, Group::row, true, pc,
          s * static_cast<double>(layer.params) / static_cast<double>(pr));
      break;
    }
    case Exec::row: {
      // The partial outputs are summed in the column (scattered over the tokens under
      // sequence parallelism, whose dY is then gathered); dX stays split. The bias is
      // replicated, so its gradient is reduced whole.
      const double out_bytes = s * samples * static_cast<double>(layer.d_out);
      if (e.out_layout == Layout::split) {
        add(Phase::forward, CollectiveOp::reduce_scatter, Group::column, false, pr, out_bytes);
        if (add(Phase::backward, CollectiveOp::allgather, Group::column, true, pr, out_bytes)) {
          out.back().before_compute = true;
        }
      } else {
        add(Phase::forward, CollectiveOp::allreduce, Group::column, false, pr, out_bytes);
      }
      const double bias = layer.type == LayerType::linear && layer.bias
                              ? static_cast<double>(layer.out_features)
                              : 0.0;
      const double split = static_cast<double>(layer.params) - bias;
      add(Phase::gradient, CollectiveOp::allreduce, Group::row, true, pc,
          s * (split / static_cast<double>(pr) + bias));
      break;
    }
    case Exec::local_heads:
      break;  // each process has its heads' Q, K and V: nothing to exchange
    case Exec::whole:
    case Exec::follow:
      // Parameters of batchnorm / layernorm are replicated; their gradients are all-reduced
      // over the row. Batchnorm on height slabs also shares its statistics in the column.
      if (e.domain_statistics) {
        const double stats = s * 2.0 * static_cast<double>(layer.in_shape.channels());
        add(Phase::forward, CollectiveOp::allreduce, Group::column, false, pr, stats);
        add(Phase::backward, CollectiveOp::allreduce, Group::column, true, pr, stats);
      }
      add(Phase::gradient, CollectiveOp::allreduce, Group::row, true, pc,
          s * static_cast<double>(layer.params));
      break;
  }
}

}  // namespace dnnsim
