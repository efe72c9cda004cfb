#pragma once
// Result <-> JSON: the document `--format json` prints (docs/design.md, "Outputs"), and the
// same document read back, which is how a child process hands its Result to the parent.

#include <nlohmann/json.hpp>

#include "sim/result/result.hpp"
#include "sim/workload/network.hpp"

namespace dnnsim {

[[nodiscard]] nlohmann::ordered_json to_json(const Result& result, const Network& network);

/// Reads what to_json writes (layer names are the network's, so they are not read back).
/// Throws std::runtime_error naming the key when the document does not have that shape.
[[nodiscard]] Result result_from_json(const nlohmann::ordered_json& j);

}  // namespace dnnsim
