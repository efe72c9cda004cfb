#include "sim/kernels/collectives.hpp"

#include <algorithm>
#include <climits>
#include <numeric>
#include <stdexcept>

namespace dnnsim::kernels {
namespace {

int size_of(MPI_Comm comm) {
  int size = 0;
  MPI_Comm_size(comm, &size);
  return size;
}

int rank_of(MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  return rank;
}

}  // namespace

std::vector<int> displacements(const std::vector<int>& counts) {
  std::vector<int> displs(counts.size(), 0);
  for (std::size_t k = 1; k < counts.size(); ++k) displs[k] = displs[k - 1] + counts[k - 1];
  return displs;
}

int mpi_count(std::size_t count) {
  if (count > static_cast<std::size_t>(INT_MAX)) {
    throw std::runtime_error("a message exceeds MPI's int count; use a smaller batch");
  }
  return static_cast<int>(count);
}

void Collectives::allgatherv(MPI_Comm comm, const float* mine, const std::vector<int>& counts,
                             float* all, Account account) {
  const double start = MPI_Wtime();
  if (size_of(comm) == 1) {
    std::copy(mine, mine + counts.front(), all);
  } else {
    const std::vector<int> displs = displacements(counts);
    MPI_Allgatherv(mine, counts[static_cast<std::size_t>(rank_of(comm))], MPI_FLOAT, all,
                   counts.data(), displs.data(), MPI_FLOAT, comm);
    const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
    traffic_.count(account, kWordBytes * total);
  }
  traffic_.add_comm_s(MPI_Wtime() - start);
}

void Collectives::allreduce(MPI_Comm comm, float* data, std::size_t count, Account account) {
  if (size_of(comm) == 1 || count == 0) return;
  const double start = MPI_Wtime();
  MPI_Allreduce(MPI_IN_PLACE, data, mpi_count(count), MPI_FLOAT, MPI_SUM, comm);
  traffic_.count(account, kWordBytes * static_cast<double>(count));
  traffic_.add_comm_s(MPI_Wtime() - start);
}

void Collectives::reduce_scatter(MPI_Comm comm, const float* all, const std::vector<int>& counts,
                                 float* mine, Account account) {
  const double start = MPI_Wtime();
  const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
  if (size_of(comm) == 1) {
    std::copy(all, all + counts.front(), mine);
  } else {
    MPI_Reduce_scatter(all, mine, counts.data(), MPI_FLOAT, MPI_SUM, comm);
    traffic_.count(account, kWordBytes * total);
  }
  traffic_.add_comm_s(MPI_Wtime() - start);
}

void Collectives::exchange(MPI_Comm comm, int partner, const std::vector<float>& send,
                           std::vector<float>& recv, Account account) {
  if (send.empty() && recv.empty()) return;
  const double start = MPI_Wtime();
  MPI_Sendrecv(send.data(), mpi_count(send.size()), MPI_FLOAT, partner, 0, recv.data(),
               mpi_count(recv.size()), MPI_FLOAT, partner, 0, comm, MPI_STATUS_IGNORE);
  traffic_.count(account, kWordBytes * static_cast<double>(std::max(send.size(), recv.size())));
  traffic_.add_comm_s(MPI_Wtime() - start);
}

void Collectives::alltoallv(MPI_Comm comm, const std::vector<float>& send,
                            const std::vector<int>& send_counts, std::vector<float>& recv,
                            const std::vector<int>& recv_counts, Account account,
                            double counted_bytes) {
  const double start = MPI_Wtime();
  const std::vector<int> sdispls = displacements(send_counts);
  const std::vector<int> rdispls = displacements(recv_counts);
  MPI_Alltoallv(send.data(), send_counts.data(), sdispls.data(), MPI_FLOAT, recv.data(),
                recv_counts.data(), rdispls.data(), MPI_FLOAT, comm);
  traffic_.count(account, counted_bytes);
  traffic_.add_comm_s(MPI_Wtime() - start);
}

}  // namespace dnnsim::kernels
