#pragma once
// Result <-> JSON without the network's names: how child processes hand results back.

#include <nlohmann/json.hpp>

#include "sim/report/result.hpp"

namespace dnnsim {

[[nodiscard]] nlohmann::json result_to_json(const Result& result);
[[nodiscard]] Result result_from_json(const nlohmann::json& j);

}  // namespace dnnsim
