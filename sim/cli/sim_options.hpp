#pragma once
// Options only the SimGrid engine takes: collective algorithm, placement, overlap, network
// model, SimGrid XML platform, trace.

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "sim/engine/replay.hpp"

namespace dnnsim::cli {

struct SimOptions {
  std::string collective = "auto";
  std::string placement = "column";
  bool no_overlap = false;
  bool every_message = false;
  std::optional<std::string> network_model;  ///< unset: CM02
  std::string trace;
  std::int64_t trace_ranks = 64;
};

void add_sim_options(CLI::App& command, SimOptions& options);

/// Validated ReplayOptions; throws InputError naming the option.
[[nodiscard]] ReplayOptions make_replay_options(const SimOptions& options);

}  // namespace dnnsim::cli
