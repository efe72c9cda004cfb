#pragma once
// Where pipeline parallelism cuts a network (docs/model.md, "Pipeline parallelism"): into
// Pp x V contiguous pieces (virtual stages) in topological order. A transformer is cut
// between its blocks, evenly, as Megatron-LM does: the embeddings go with the first
// piece, the final norm and the logits with the last. Any other network is cut where one
// tensor alone crosses, at the cuts that make the heaviest piece (in training FLOPs)
// lightest.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/workload/network.hpp"
#include "sim/workload/transformer_form.hpp"

namespace dnnsim {

/// Per layer (file order), its piece 0 .. parts - 1, nondecreasing in topological order.
/// Throws InputError (key "--grid") when the network cannot be cut into `parts` non-empty
/// pieces: fewer cut points than pieces, or transformer blocks `parts` does not divide.
[[nodiscard]] std::vector<std::int64_t> cut_stages(const Network& network, std::int64_t parts);

/// The pieces a plan file names: `first` holds the first layer of every piece after the
/// first, in order. Throws InputError (key `key`) naming the layer when one is unknown, out
/// of order, or not a place where one tensor alone crosses.
[[nodiscard]] std::vector<std::int64_t> named_cuts(const Network& network,
                                                   const std::vector<std::string>& first,
                                                   const std::string& file, const std::string& key);

/// The layer whose output crosses from piece k to piece k + 1 (k = 0 .. parts - 2).
[[nodiscard]] std::vector<std::size_t> boundary_layers(const Network& network,
                                                       const std::vector<std::int64_t>& piece);

}  // namespace dnnsim
