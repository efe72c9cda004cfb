#include "sim/kernels/redistribute.hpp"

namespace dnnsim::kernels {

Band redistribute(const Band& src, const BandLayout& from, const BandLayout& to, Count batch,
                  MPI_Comm world, Collectives& coll, Account account, CountAs count_as) {
  int me = 0;
  int procs = 0;
  MPI_Comm_rank(world, &me);
  MPI_Comm_size(world, &procs);

  Band out = src;
  out.samples = to.samples(batch, me);
  out.rows = to.rows_of(me);
  out.data.assign(static_cast<std::size_t>(out.samples.size() * out.sample_elements()), 0.0F);

  const Range my_samples = from.owned_samples(batch, me);
  const Range my_rows = from.rows_of(me);
  std::vector<int> send_counts(static_cast<std::size_t>(procs));
  std::vector<int> recv_counts(static_cast<std::size_t>(procs));
  std::vector<float> send;
  double received = 0.0;
  for (int k = 0; k < procs; ++k) {
    const auto kk = static_cast<std::size_t>(k);
    // What k needs of what this process owns, and what this process needs of k's.
    const Range ss = intersect(my_samples, to.samples(batch, k));
    const Range sr = intersect(my_rows, to.rows_of(k));
    const std::size_t sn = ss.empty() || sr.empty() ? 0 : box_elements(src, ss, sr);
    send_counts[kk] = mpi_count(sn);
    if (sn > 0) {
      const std::size_t at = send.size();
      send.resize(at + sn);
      pack_box(src, ss, sr, send.data() + at);
    }
    const Range rs = intersect(from.owned_samples(batch, k), out.samples);
    const Range rr = intersect(from.rows_of(k), out.rows);
    const std::size_t rn = rs.empty() || rr.empty() ? 0 : box_elements(src, rs, rr);
    recv_counts[kk] = mpi_count(rn);
    if (k != me) received += static_cast<double>(rn);
  }
  std::vector<float> recv(
      static_cast<std::size_t>(displacements(recv_counts).back() + recv_counts.back()));
  const double counted =
      count_as == CountAs::result ? static_cast<double>(out.data.size()) : received;
  coll.alltoallv(world, send, send_counts, recv, recv_counts, account, kWordBytes * counted);

  std::size_t at = 0;
  for (int k = 0; k < procs; ++k) {
    const Range rs = intersect(from.owned_samples(batch, k), out.samples);
    const Range rr = intersect(from.rows_of(k), out.rows);
    if (rs.empty() || rr.empty()) continue;
    unpack_box(recv.data() + at, rs, rr, out);
    at += box_elements(src, rs, rr);
  }
  return out;
}

}  // namespace dnnsim::kernels
