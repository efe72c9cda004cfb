#include "sim/strategy/stage_cuts.hpp"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "sim/common/error.hpp"

namespace dnnsim {
namespace {

[[noreturn]] void refuse(const std::string& why) {
  throw InputError("", std::nullopt, "--grid", why);
}

// Positions p of the topological order after which exactly one layer's output is read
// beyond: a pipeline boundary sends that one tensor.
std::vector<std::size_t> cut_points(const Network& network) {
  const std::size_t n = network.topo_order.size();
  std::vector<std::size_t> position(network.layers.size());
  for (std::size_t p = 0; p < n; ++p) position[network.topo_order[p]] = p;
  // last_read[j]: the latest position reading layer j's output.
  std::vector<std::size_t> last_read(network.layers.size(), 0);
  for (std::size_t i = 0; i < network.layers.size(); ++i) {
    for (const std::size_t j : network.layers[i].inputs) {
      last_read[j] = std::max(last_read[j], position[i]);
    }
  }
  std::vector<std::size_t> points;
  for (std::size_t p = 0; p + 1 < n; ++p) {
    int crossing = 0;
    for (std::size_t q = 0; q <= p; ++q) {
      if (last_read[network.topo_order[q]] > p) ++crossing;
    }
    if (crossing == 1 && last_read[network.topo_order[p]] > p) points.push_back(p);
  }
  return points;
}

double training_flops(const Layer& layer) {
  return layer.flops_per_sample + input_gradient_flops(layer) + weight_gradient_flops(layer);
}

std::vector<std::int64_t> cut_blocks(const Network& network, std::int64_t parts,
                                     std::int64_t blocks) {
  if (blocks % parts != 0) {
    refuse(
        fmt::format("{} pipeline pieces (stages x chunks) must divide the {} transformer "
                    "blocks evenly, as Megatron-LM requires",
                    parts, blocks));
  }
  const std::int64_t per = blocks / parts;
  std::vector<std::int64_t> piece(network.layers.size(), 0);
  std::int64_t current = 0;  // before the first block: the embeddings, with piece 0
  for (const std::size_t i : network.topo_order) {
    if (const auto b = transformer_block(network.layers[i].name)) current = *b / per;
    piece[i] = current;  // after the last block: the final norm and logits, with the last
  }
  return piece;
}

// The cuts among `points` into `parts` pieces minimizing the heaviest (dynamic programming
// over the cut points, O(parts x points^2)).
std::vector<std::int64_t> cut_balanced(const Network& network, std::int64_t parts) {
  const std::vector<std::size_t> points = cut_points(network);
  const auto k = static_cast<std::size_t>(parts);
  if (points.size() + 1 < k) {
    refuse(
        fmt::format("{} has {} places where one tensor alone crosses, too few for {} "
                    "pipeline stages",
                    network.name, points.size(), parts));
  }
  const std::size_t n = network.topo_order.size();
  // Segments between consecutive cut points: ends[s] is the last position of segment s.
  std::vector<std::size_t> ends(points);
  ends.push_back(n - 1);
  std::vector<double> prefix(ends.size() + 1, 0.0);  // FLOPs up to the end of segment s
  {
    std::size_t s = 0;
    double total = 0.0;
    for (std::size_t p = 0; p < n; ++p) {
      total += training_flops(network.layers[network.topo_order[p]]);
      if (p == ends[s]) prefix[++s] = total;
    }
  }
  const std::size_t segs = ends.size();
  const double inf = std::numeric_limits<double>::infinity();
  // best[j][s]: the lightest heaviest piece of segments [0, s) in j pieces; from[j][s] the split.
  std::vector<std::vector<double>> best(k + 1, std::vector<double>(segs + 1, inf));
  std::vector<std::vector<std::size_t>> from(k + 1, std::vector<std::size_t>(segs + 1, 0));
  best[0][0] = 0.0;
  for (std::size_t j = 1; j <= k; ++j) {
    for (std::size_t s = j; s <= segs; ++s) {
      for (std::size_t t = j - 1; t < s; ++t) {
        const double v = std::max(best[j - 1][t], prefix[s] - prefix[t]);
        if (v < best[j][s]) {
          best[j][s] = v;
          from[j][s] = t;
        }
      }
    }
  }
  std::vector<std::int64_t> piece(network.layers.size(), 0);
  std::size_t s = segs;
  for (std::size_t j = k; j > 0; --j) {
    const std::size_t t = from[j][s];
    const std::size_t first = t == 0 ? 0 : ends[t - 1] + 1;
    for (std::size_t p = first; p <= ends[s - 1]; ++p) {
      piece[network.topo_order[p]] = static_cast<std::int64_t>(j - 1);
    }
    s = t;
  }
  return piece;
}

}  // namespace

std::vector<std::int64_t> cut_stages(const Network& network, std::int64_t parts) {
  if (parts <= 1) return std::vector<std::int64_t>(network.layers.size(), 0);
  std::int64_t blocks = 0;
  for (const Layer& layer : network.layers) {
    if (const auto b = transformer_block(layer.name)) blocks = std::max(blocks, *b + 1);
  }
  return blocks > 0 ? cut_blocks(network, parts, blocks) : cut_balanced(network, parts);
}

std::vector<std::int64_t> named_cuts(const Network& network, const std::vector<std::string>& first,
                                     const std::string& file, const std::string& key) {
  std::vector<std::size_t> position(network.layers.size());
  for (std::size_t p = 0; p < network.topo_order.size(); ++p) position[network.topo_order[p]] = p;
  const std::vector<std::size_t> points = cut_points(network);
  std::vector<std::int64_t> piece(network.layers.size(), 0);
  std::size_t previous = 0;
  for (std::size_t k = 0; k < first.size(); ++k) {
    const std::size_t i = network.find(first[k]);
    if (i == network.layers.size()) {
      throw InputError(file, std::nullopt, key,
                       fmt::format("workload '{}' has no layer '{}'", network.name, first[k]));
    }
    const std::size_t p = position[i];
    if (p == 0 || p <= previous) {
      throw InputError(
          file, std::nullopt, key,
          fmt::format("'{}' must come after the previous stage's first layer", first[k]));
    }
    if (std::find(points.begin(), points.end(), p - 1) == points.end()) {
      throw InputError(file, std::nullopt, key,
                       fmt::format("a stage cannot start at '{}': more than one tensor would "
                                   "cross into it",
                                   first[k]));
    }
    previous = p;
  }
  for (std::size_t p = 0, k = 0; p < network.topo_order.size(); ++p) {
    while (k < first.size() && position[network.find(first[k])] == p) ++k;
    piece[network.topo_order[p]] = static_cast<std::int64_t>(k);
  }
  return piece;
}

std::vector<std::size_t> boundary_layers(const Network& network,
                                         const std::vector<std::int64_t>& piece) {
  std::vector<std::size_t> out;
  for (std::size_t p = 0; p + 1 < network.topo_order.size(); ++p) {
    const std::size_t i = network.topo_order[p];
    const std::size_t next = network.topo_order[p + 1];
    if (piece[next] != piece[i]) out.push_back(i);
  }
  return out;
}

}  // namespace dnnsim
