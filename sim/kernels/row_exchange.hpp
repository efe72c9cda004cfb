#pragma once
// The halo exchange of domain parallelism (docs/model.md, "Domain"): within a grid column,
// each process gets the image rows it needs from its neighbours, in two rounds, pairs
// (0,1), (2,3), ... then (1,2), (3,4), ..., each pair swapping both ways at once.

#include <functional>
#include <vector>

#include <mpi.h>

#include "sim/kernels/collectives.hpp"
#include "sim/kernels/local/band.hpp"

namespace dnnsim::kernels {

/// Writes rows [rows) of this process's band, as process row `dest` is to receive them,
/// packed like pack_box (the default sends them as they are).
using RowPacker = std::function<void(Range rows, int dest, float* out)>;

/// A band holding rows fetch[r] of `held` (which holds held[r]; r is this process's row in
/// `column`), the missing rows coming from the neighbours that hold them.
[[nodiscard]] Band fetch_rows(const Band& held_band, const std::vector<Range>& held,
                              const std::vector<Range>& fetch, MPI_Comm column, int r,
                              Collectives& coll, const RowPacker& pack = {});

}  // namespace dnnsim::kernels
