#include "sim/cli/sim_options.hpp"

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/common/suggest.hpp"
#include "sim/common/text_file.hpp"
#include "sim/request/integer_option.hpp"
#include "sim/request/run_options.hpp"

namespace dnnsim::cli {

void add_sim_options(CLI::App& cmd, SimOptions& o) {
  cmd.add_option("--collective", o.collective,
                 "auto | rabenseifner | recursive | bruck | ring | binomial | rabenseifner-mpich")
      ->default_str("auto");
  cmd.add_option("--placement", o.placement,
                 "column: a grid column packed in a node; row: a grid row")
      ->default_str("column");
  cmd.add_flag("--no-overlap", o.no_overlap,
               "One stream per rank: compute and communication never overlap (the paper's sum)");
  cmd.add_flag("--every-message", o.every_message,
               "Send every message of every collective, even in groups whose links carry "
               "nothing else (slower; the same times)");
  cmd.add_option("--network-model", o.network_model,
                 "SimGrid network model: CM02 (default: alpha + beta * n per message), LV08, SMPI, "
                 "IB");
  cmd.add_option("--trace", o.trace, "Write a Chrome / Perfetto trace (JSON) to this file");
  add_integer_option(cmd, "--trace-ranks", o.trace_ranks, "Ranks written to the trace")
      ->default_str("64");
}

ReplayOptions make_replay_options(const SimOptions& o) {
  ReplayOptions r;
  const auto algorithm = algorithm_from_string(o.collective);
  if (!algorithm) {
    throw InputError("", std::nullopt, "--collective",
                     unknown_name("algorithm", o.collective, kAlgorithmNames));
  }
  r.algorithm = *algorithm;
  const auto placement = placement_from_string(o.placement);
  if (!placement) {
    throw InputError("", std::nullopt, "--placement",
                     unknown_name("placement", o.placement, kPlacementNames));
  }
  r.placement = *placement;
  r.overlap = !o.no_overlap;
  r.private_collectives = !o.every_message;
  if (o.network_model && o.network_model->empty()) {
    throw InputError("", std::nullopt, "--network-model",
                     "expected a SimGrid network model (CM02, LV08, SMPI or IB), got nothing");
  }
  r.network_model = o.network_model.value_or("");
  require_writable_output(o.trace, "--trace");
  r.trace_file = o.trace;
  r.trace_ranks = o.trace_ranks;
  return r;
}

}  // namespace dnnsim::cli
