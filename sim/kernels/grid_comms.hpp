#pragma once
// The communicators of one Pr x Pc grid, split from a base communicator with the
// simulator's placement: rank k sits at row k % Pr and column k / Pr.

#include <map>
#include <memory>
#include <utility>

#include <mpi.h>

#include "sim/strategy/process_grid.hpp"

namespace dnnsim::kernels {

class GridComms {
 public:
  /// Collective over `base`, whose size must be grid.procs().
  GridComms(MPI_Comm base, ProcessGrid grid);
  ~GridComms();
  GridComms(const GridComms&) = delete;
  GridComms& operator=(const GridComms&) = delete;

  [[nodiscard]] ProcessGrid grid() const noexcept { return grid_; }
  [[nodiscard]] int row() const noexcept { return row_; }
  [[nodiscard]] int col() const noexcept { return col_; }
  /// The Pr processes of this process's column, ranked by row.
  [[nodiscard]] MPI_Comm column() const noexcept { return column_; }
  /// The Pc processes of this process's row, ranked by column.
  [[nodiscard]] MPI_Comm row_comm() const noexcept { return row_comm_; }
  /// All P processes (the base communicator).
  [[nodiscard]] MPI_Comm all() const noexcept { return all_; }

 private:
  ProcessGrid grid_;
  int row_ = 0;
  int col_ = 0;
  MPI_Comm all_ = MPI_COMM_NULL;
  MPI_Comm column_ = MPI_COMM_NULL;
  MPI_Comm row_comm_ = MPI_COMM_NULL;
};

/// One GridComms per distinct grid, created in the order first asked for (the same on
/// every process, since they walk the same plan).
class CommCache {
 public:
  explicit CommCache(MPI_Comm base) : base_(base) {}
  [[nodiscard]] const GridComms& get(ProcessGrid grid);

 private:
  MPI_Comm base_;
  std::map<std::pair<std::int64_t, std::int64_t>, std::unique_ptr<GridComms>> comms_;
};

}  // namespace dnnsim::kernels
