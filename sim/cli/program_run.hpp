#pragma once
// Runs another program (the Python importer, `mpirun dnnsim-kernels`) so that an interrupted
// dnnsim leaves nothing running behind it: the program gets a process group of its own,
// SIGINT, SIGTERM and SIGHUP sent to dnnsim are forwarded to that group (ForwardedSignals),
// a group still alive a grace period after a signal is killed, and whatever the program
// leaves in its group when it ends is killed too. dnnsim never links MPI (docs/design.md,
// "Beyond one machine"): the kernels run as such a program.

#include <chrono>
#include <string>
#include <vector>

#include "sim/cli/forwarded_signals.hpp"

namespace dnnsim::cli {

struct ProgramRun {
  int status = 0;       ///< waitpid's status
  int interrupted = 0;  ///< the signal dnnsim received before the program ended, 0 if none
  std::string out;      ///< its standard output, when captured
};

struct ProgramOptions {
  /// Collect the program's stdout into ProgramRun::out; else it goes to dnnsim's stderr
  /// (dnnsim's own stdout is its result).
  bool capture_stdout = false;
  std::chrono::milliseconds grace{3000};
};

/// Runs argv[0] (looked up on PATH when it has no '/') with `argv` and environment `env`,
/// stdin from /dev/null; waits for it. Throws std::runtime_error when it cannot be started.
[[nodiscard]] ProgramRun run_program(const std::vector<std::string>& argv,
                                     const std::vector<std::string>& env, ForwardedSignals& signals,
                                     const ProgramOptions& options);

/// This process's environment, for run_program.
[[nodiscard]] std::vector<std::string> current_environment();

}  // namespace dnnsim::cli
