#include "sim/kernels/row_exchange.hpp"

#include <stdexcept>

namespace dnnsim::kernels {

Band fetch_rows(const Band& held_band, const std::vector<Range>& held,
                const std::vector<Range>& fetch, MPI_Comm column, int r, Collectives& coll,
                const RowPacker& pack) {
  const auto me = static_cast<std::size_t>(r);
  if (held_band.rows != held[me]) throw std::logic_error("fetch_rows: band rows differ");
  if (fetch[me] == held[me] && held.size() == 1) return held_band;

  Band out = held_band;
  out.rows = fetch[me];
  out.data.assign(static_cast<std::size_t>(out.samples.size() * out.sample_elements()), 0.0F);
  std::vector<float> buffer(box_elements(held_band, held_band.samples, held[me]));
  pack_box(held_band, held_band.samples, held[me], buffer.data());
  unpack_box(buffer.data(), held_band.samples, held[me], out);

  const int pr = static_cast<int>(held.size());
  for (int round = 0; round < 2; ++round) {
    // Round 0 pairs (0,1), (2,3), ...; round 1 pairs (1,2), (3,4), ...
    const int partner = (r % 2 == round) ? r + 1 : r - 1;
    if (partner < 0 || partner >= pr) continue;
    const auto other = static_cast<std::size_t>(partner);
    const Range send_rows = intersect(held[me], fetch[other]);
    const Range recv_rows = intersect(held[other], fetch[me]);
    std::vector<float> send(box_elements(held_band, held_band.samples, send_rows));
    std::vector<float> recv(box_elements(held_band, held_band.samples, recv_rows));
    if (!send.empty()) {
      if (pack) {
        pack(send_rows, partner, send.data());
      } else {
        pack_box(held_band, held_band.samples, send_rows, send.data());
      }
    }
    coll.exchange(column, partner, send, recv, Account::halo);
    if (!recv.empty()) unpack_box(recv.data(), held_band.samples, recv_rows, out);
  }
  return out;
}

}  // namespace dnnsim::kernels
