#pragma once
// Runs a program as a child process and collects its standard output (its standard
// error goes to ours). `dnnsim` uses it to run `mpirun dnnsim-kernels`: it never links MPI
// itself (docs/design.md, "Beyond one machine").

#include <string>
#include <vector>

namespace dnnsim::cli {

struct ChildOutput {
  int status = 0;  ///< exit status, or 128 + signal
  std::string out;
};

/// argv[0] is looked up on PATH. Throws std::runtime_error when it cannot be started.
[[nodiscard]] ChildOutput run_child(const std::vector<std::string>& argv);

}  // namespace dnnsim::cli
