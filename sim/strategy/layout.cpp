#include "sim/strategy/layout.hpp"

#include "sim/common/log.hpp"
#include "sim/workload/transformer_form.hpp"

namespace dnnsim {
namespace {

/// A layer norm over the last axis of [T, F] samples, or an rmsnorm: per-token statistics.
bool normalizes_each_token(const Layer& layer) {
  if (layer.in_shape.rank() != 2) return false;
  if (layer.type == LayerType::rmsnorm) return true;
  return layer.type == LayerType::layernorm && layer.shape.size() == 1;
}

Exec exec_of(const Layer& layer, Kind kind) {
  switch (role_of(layer.type)) {
    case LayerRole::weighted:
      if (kind == Kind::column) return Exec::column;
      if (kind == Kind::row) return Exec::row;
      if (kind != Kind::domain) return Exec::integrated;
      return layer.type == LayerType::conv2d ? Exec::domain : Exec::replicated;
    case LayerRole::windowed:
      return kind == Kind::domain ? Exec::domain : Exec::whole;
    case LayerRole::whole:
      return Exec::whole;
    case LayerRole::attention:
      return kind == Kind::domain ? Exec::whole : Exec::heads;
    case LayerRole::elementwise:
      return Exec::follow;
  }
  return Exec::follow;
}

}  // namespace

void resolve_layout(const Network& network, const Plan& plan, std::vector<LayerExec>& out) {
  out.resize(network.layers.size());
  for (const std::size_t i : network.topo_order) resolve_layer(network, plan, out, i);
}

void resolve_layer(const Network& network, const Plan& plan, std::vector<LayerExec>& out,
                   std::size_t i) {
  {
    const Layer& layer = network.layers[i];
    LayerExec& e = out[i];
    e = LayerExec{};
    e.input_grad = network.params_upstream[i];

    // Kind and grid: planned for layers that take one, else the first input's.
    if (takes_kind(layer.type) || layer.inputs.empty()) {
      e.kind = plan.layers[i].kind;
      e.grid = grid_of(e.kind, plan.layers[i].grid, plan.stage_procs());
    } else {
      // A join takes its first input's grid; a learned tensor (parameter) is replicated on
      // every process and lies as its reader needs it, so it never decides.
      std::size_t first = layer.inputs.front();
      for (const std::size_t input : layer.inputs) {
        if (network.layers[input].type != LayerType::parameter) {
          first = input;
          break;
        }
      }
      e.kind = out[first].kind;
      e.grid = out[first].grid;
    }
    e.exec = exec_of(layer, e.kind);
    e.zero = plan.zero;
    if (plan.recompute == Recompute::full && transformer_block(layer.name)) {
      e.recompute = Recompute::full;
    } else if (plan.recompute != Recompute::none && layer.type == LayerType::attention) {
      e.recompute = Recompute::selective;
    }
    if (!layer.inputs.empty() && out[layer.inputs.front()].grid == e.grid) {
      e.in_layout = out[layer.inputs.front()].out_layout;
    }
    // Attention reading the feature-split QKV of a column layer works on its own heads.
    if (e.exec == Exec::heads && e.in_layout == Layout::features) e.exec = Exec::local_heads;
    // Under sequence parallelism a norm over the features of each token keeps the tokens
    // split (docs/model.md, "Sequence parallelism").
    if (plan.sequence_parallel && e.exec == Exec::whole && e.in_layout == Layout::split &&
        normalizes_each_token(layer)) {
      e.exec = Exec::follow;
    }

    // Input layouts: the network input arrives as the first layer needs it, for free.
    for (std::size_t k = 0; k < layer.inputs.size(); ++k) {
      const LayoutChange change = input_change(network, out, i, k);
      if (static_cast<int>(change) > static_cast<int>(e.input_change)) e.input_change = change;
    }
    const Layout followed = followed_layout(network, out, i);
    const bool split_grid = e.grid.pr > 1;
    switch (e.exec) {
      case Exec::integrated:
      case Exec::replicated:
      case Exec::whole:
      case Exec::heads:
        e.out_layout = Layout::whole;
        break;
      case Exec::row:  // summed whole, or reduce-scattered over the tokens
        e.out_layout = plan.sequence_parallel && split_grid ? Layout::split : Layout::whole;
        break;
      case Exec::column:
      case Exec::local_heads:
        e.out_layout = split_grid ? Layout::features : Layout::whole;
        break;
      case Exec::domain:
        e.out_layout = split_grid ? Layout::split : Layout::whole;
        break;
      case Exec::follow:
        e.out_layout = followed;
        e.domain_statistics = followed == Layout::split && layer.type == LayerType::batchnorm;
        break;
    }
  }
}

LayoutChange input_change(const Network& network, const std::vector<LayerExec>& execs,
                          std::size_t i, std::size_t k) noexcept {
  const std::size_t j = network.layers[i].inputs[k];
  if (network.layers[j].type == LayerType::parameter) return LayoutChange::none;
  const LayerExec& e = execs[i];
  const LayerExec& in = execs[j];
  if (!(in.grid == e.grid)) return LayoutChange::change_grid;
  if (in.out_layout == Layout::whole) return LayoutChange::none;  // any part is taken for free
  switch (e.exec) {
    case Exec::domain:  // takes its slab of whole rows
      return in.out_layout == Layout::split ? LayoutChange::none : LayoutChange::gather;
    case Exec::row:
    case Exec::local_heads:  // takes its features of whole rows
      return in.out_layout == Layout::features ? LayoutChange::none : LayoutChange::gather;
    case Exec::follow:  // keeps the split, unless its inputs are split two ways
      return followed_layout(network, execs, i) == Layout::whole ? LayoutChange::gather
                                                                 : LayoutChange::none;
    default:
      return LayoutChange::gather;
  }
}

Layout followed_layout(const Network& network, const std::vector<LayerExec>& execs,
                       std::size_t i) noexcept {
  const Layer& layer = network.layers[i];
  bool rows = false;
  bool features = false;
  for (const std::size_t j : layer.inputs) {
    if (network.layers[j].type == LayerType::parameter || !(execs[j].grid == execs[i].grid)) {
      continue;
    }
    rows = rows || execs[j].out_layout == Layout::split;
    features = features || execs[j].out_layout == Layout::features;
  }
  if (rows && features) return Layout::whole;  // both gathered (docs/model.md, "Joins")
  return rows ? Layout::split : features ? Layout::features : Layout::whole;
}

namespace {

std::string_view exec_name(Exec exec) noexcept {
  switch (exec) {
    case Exec::integrated:
      return "integrated";
    case Exec::domain:
      return "domain";
    case Exec::replicated:
      return "replicated";
    case Exec::whole:
      return "whole samples";
    case Exec::heads:
      return "its heads split";
    case Exec::local_heads:
      return "its heads of a split QKV";
    case Exec::column:
      return "split by output features";
    case Exec::row:
      return "split by input features";
    case Exec::follow:
      return "follows its input";
  }
  return "?";
}

std::string_view change_name(LayoutChange change) noexcept {
  switch (change) {
    case LayoutChange::none:
      return "none";
    case LayoutChange::gather:
      return "gather over the column";
    case LayoutChange::change_grid:
      return "grid change";
  }
  return "?";
}

}  // namespace

void log_layout(const Network& network, const std::vector<LayerExec>& execs) {
  const auto log = logger("plan");
  if (!log->should_log(spdlog::level::debug)) return;
  for (std::size_t i = 0; i < network.layers.size(); ++i) {
    const LayerExec& e = execs[i];
    log->debug("{}: kind {}, grid {}, runs {}, input change {}, output {}{}",
               network.layers[i].name, to_string(e.kind), e.grid.to_string(), exec_name(e.exec),
               change_name(e.input_change), e.out_layout == Layout::split ? "split" : "whole",
               e.input_grad ? "" : ", no input gradient");
  }
}

double compute_sharers(const LayerExec& e) noexcept {
  const bool redundant = e.exec == Exec::replicated || e.exec == Exec::whole;
  return static_cast<double>(redundant ? e.grid.pc : e.grid.procs());
}

std::vector<LayerExec> resolve_layout(const Network& network, const Plan& plan) {
  std::vector<LayerExec> out;
  resolve_layout(network, plan, out);
  return out;
}

}  // namespace dnnsim
