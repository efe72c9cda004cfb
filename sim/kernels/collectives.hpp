#pragma once
// Blocking collectives on float data that time themselves and count their payload n
// (docs/model.md, "Collectives"): the whole result of an all-gather, the reduced vector of an
// all-reduce or a reduce-scatter, the larger direction of a pairwise exchange. A group of one
// process moves nothing and counts nothing, as the cost model's costs are zero for p = 1.

#include <cstddef>
#include <vector>

#include <mpi.h>

#include "sim/kernels/traffic.hpp"

namespace dnnsim::kernels {

inline constexpr double kWordBytes = 4.0;  ///< fp32, the cost model's s

class Collectives {
 public:
  explicit Collectives(Traffic& traffic) : traffic_(traffic) {}

  /// Member k contributes counts[k] floats; `all` gets them in member order.
  void allgatherv(MPI_Comm comm, const float* mine, const std::vector<int>& counts, float* all,
                  Account account);

  /// Sums `all` over the group, member k's block being counts[k] floats in member order;
  /// this member receives its block in `mine`. Counts n, the whole vector (docs/model.md).
  void reduce_scatter(MPI_Comm comm, const float* all, const std::vector<int>& counts, float* mine,
                      Account account);

  /// In-place sum over the group.
  void allreduce(MPI_Comm comm, float* data, std::size_t count, Account account);

  /// Sends to and receives from `partner` at once (full duplex, `recv` sized by the
  /// caller); counts the larger direction, as docs/model.md counts a halo exchange.
  void exchange(MPI_Comm comm, int partner, const std::vector<float>& send,
                std::vector<float>& recv, Account account);

  /// All-to-all with per-member counts; `counted_bytes` is what the caller says n is.
  void alltoallv(MPI_Comm comm, const std::vector<float>& send, const std::vector<int>& send_counts,
                 std::vector<float>& recv, const std::vector<int>& recv_counts, Account account,
                 double counted_bytes);

  [[nodiscard]] Traffic& traffic() noexcept { return traffic_; }

 private:
  Traffic& traffic_;
};

/// Offsets of consecutive blocks of `counts`.
[[nodiscard]] std::vector<int> displacements(const std::vector<int>& counts);

/// A float count as MPI takes it; throws when it does not fit an int.
[[nodiscard]] int mpi_count(std::size_t count);

}  // namespace dnnsim::kernels
