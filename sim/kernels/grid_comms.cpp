#include "sim/kernels/grid_comms.hpp"

#include <stdexcept>

namespace dnnsim::kernels {

GridComms::GridComms(MPI_Comm base, ProcessGrid grid) : grid_(grid), all_(base) {
  int rank = 0;
  int size = 0;
  MPI_Comm_rank(base, &rank);
  MPI_Comm_size(base, &size);
  if (size != grid.procs()) throw std::logic_error("grid does not match the communicator");
  row_ = static_cast<int>(grid.row_of(rank));
  col_ = static_cast<int>(grid.column_of(rank));
  MPI_Comm_split(base, col_, row_, &column_);
  MPI_Comm_split(base, row_, col_, &row_comm_);
}

GridComms::~GridComms() {
  if (column_ != MPI_COMM_NULL) MPI_Comm_free(&column_);
  if (row_comm_ != MPI_COMM_NULL) MPI_Comm_free(&row_comm_);
}

const GridComms& CommCache::get(ProcessGrid grid) {
  auto& slot = comms_[{grid.pr, grid.pc}];
  if (!slot) slot = std::make_unique<GridComms>(base_, grid);
  return *slot;
}

}  // namespace dnnsim::kernels
