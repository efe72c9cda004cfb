#pragma once
// Moving a batch of activations between layouts with one all-to-all: a grid change
// (docs/model.md: "each process must receive the whole input of its new share of samples") and
// the backward layout changes docs/model.md treats as free. Every process computes every box
// the same way, so counts agree without a message.

#include <vector>

#include <mpi.h>

#include "sim/kernels/collectives.hpp"
#include "sim/kernels/local/band.hpp"
#include "sim/kernels/local/band_layout.hpp"

namespace dnnsim::kernels {

/// How the payload is counted: the size of the part received (the cost model's grid change) or
/// the bytes that came from other processes (the unmodelled backward changes).
enum class CountAs : bool { result, received };

/// This process's part of `src` (its part under `from`) under `to`. Collective over `world`.
[[nodiscard]] Band redistribute(const Band& src, const BandLayout& from, const BandLayout& to,
                                Count batch, MPI_Comm world, Collectives& coll, Account account,
                                CountAs count_as);

}  // namespace dnnsim::kernels
