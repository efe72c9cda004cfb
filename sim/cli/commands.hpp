#pragma once
// Each subcommand registers itself on the app and runs from its callback.

#include <CLI/CLI.hpp>

namespace dnnsim::cli {

void add_info_command(CLI::App& app);
void add_analytic_command(CLI::App& app);
void add_simulate_command(CLI::App& app);
void add_taskgraph_command(CLI::App& app);
void add_optimize_command(CLI::App& app);
void add_sweep_command(CLI::App& app);
void add_calibrate_command(CLI::App& app);
void add_import_command(CLI::App& app);

}  // namespace dnnsim::cli
