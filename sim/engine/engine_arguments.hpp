#pragma once
// The command line dnnsim gives SimGrid's engine: quiet logs, the solver and the actors'
// contexts chosen for replays of thousands of ranks.

#include <string>
#include <vector>

namespace dnnsim {

[[nodiscard]] std::vector<std::string> engine_arguments();

}  // namespace dnnsim
