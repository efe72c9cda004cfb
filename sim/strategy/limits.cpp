#include "sim/strategy/limits.hpp"

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/workload/halo.hpp"

namespace dnnsim {

std::optional<LimitViolation> check_limits(const Network& network,
                                           const std::vector<LayerExec>& execs, double batch) {
  for (std::size_t i = 0; i < network.layers.size(); ++i) {
    if (auto limit = check_layer_limits(network.layers[i], execs[i], batch)) {
      return LimitViolation{i, std::move(*limit)};
    }
  }
  return std::nullopt;
}

namespace {

/// docs/model.md, "Tensor parallelism": Pr divides the features a column or row layer splits.
std::optional<std::string> tensor_limit(const Layer& layer, const LayerExec& e) {
  const auto pr = e.grid.pr;
  if (pr == 1 || (e.exec != Exec::column && e.exec != Exec::row)) return std::nullopt;
  const bool embedding = layer.type == LayerType::embedding;
  Count features = 0;
  std::string_view what;
  if (e.exec == Exec::column) {
    features = layer.out_features;
    what = "out_features";
  } else if (embedding) {
    features = layer.vocab;
    what = "vocab";
  } else {
    features = layer.in_shape.dims.back();
    what = "in_features";
  }
  // Sequence parallelism scatters a row layer's output over the tokens.
  if (e.exec == Exec::row && e.out_layout == Layout::split) {
    const Count tokens = layer.out_shape.dims.front();
    if (tokens % pr != 0) {
      return fmt::format(
          "sequence parallelism splits the tokens over Pr, which must divide them "
          "(Pr = {}, tokens = {})",
          pr, tokens);
    }
  }
  if (features % pr == 0) return std::nullopt;
  return fmt::format("kind {} splits {} over Pr, which must divide them (Pr = {}, {} = {})",
                     to_string(e.kind), what, pr, what, features);
}

}  // namespace

std::optional<std::string> check_layer_limits(const Layer& layer, const LayerExec& e,
                                              double batch) {
  {
    const auto pr = e.grid.pr;
    const auto pc = e.grid.pc;
    if (static_cast<double>(pc) > batch) {
      return fmt::format(
          "batch parallelism needs Pc <= B, at least one sample "
          "per grid column (Pc = {}, B = {})",
          pc, batch);
    }
    if (e.exec == Exec::integrated && pr > 1) {
      if (layer.type == LayerType::conv2d && pr > layer.out_channels) {
        return fmt::format(
            "model parallelism needs Pr <= out_channels "
            "(Pr = {}, out_channels = {})",
            pr, layer.out_channels);
      }
      if ((layer.type == LayerType::linear || layer.type == LayerType::embedding) &&
          pr > layer.out_features) {
        return fmt::format(
            "model parallelism needs Pr <= out_features "
            "(Pr = {}, out_features = {})",
            pr, layer.out_features);
      }
    }
    if ((e.kind == Kind::column || e.kind == Kind::row) && takes_kind(layer.type) &&
        !takes_tensor_kind(layer.type)) {
      return fmt::format("kinds column and row split linear layers and embeddings, not a {} layer",
                         to_string(layer.type));
    }
    if (auto limit = tensor_limit(layer, e)) return limit;
    if ((e.exec == Exec::heads || e.exec == Exec::local_heads) && pr > 1 &&
        (layer.heads % pr != 0 || layer.kv_heads % pr != 0)) {
      return fmt::format(
          "attention splits its heads over Pr, which must divide heads and kv_heads "
          "(Pr = {}, heads = {}, kv_heads = {})",
          pr, layer.heads, layer.kv_heads);
    }
    if (e.exec == Exec::domain && pr > 1) {
      const Count h_out = layer.out_shape.height();
      if (pr > h_out) {
        return fmt::format(
            "domain parallelism needs at least one output row "
            "per process, Pr <= H_out (Pr = {}, H_out = {})",
            pr, h_out);
      }
      const Count halo = std::max(forward_halo_rows(layer), backward_halo_rows(layer));
      const double slab = static_cast<double>(h_out) / static_cast<double>(pr) *
                          static_cast<double>(layer.stride.h);
      if (slab < static_cast<double>(halo)) {
        return fmt::format(
            "domain parallelism needs slabs at least as high as "
            "the halo, (H_out / Pr) * s_h >= max(h, h_b) "
            "(({} / {}) * {} = {:.4g} < {})",
            h_out, pr, layer.stride.h, slab, halo);
      }
    }
  }
  return std::nullopt;
}

void require_within_limits(const Network& network, const std::vector<LayerExec>& execs,
                           double batch) {
  if (const auto violation = check_limits(network, execs, batch)) {
    throw LimitError(network.layers[violation->layer].name, violation->limit);
  }
}

}  // namespace dnnsim
