#pragma once
// What a collective does, one name for both engines, the schedules and the traces: the
// collectives of docs/model.md ("Collectives") and the grid change of "Layouts and changing
// them".

#include <cstdint>
#include <string_view>

namespace dnnsim {

enum class CollectiveOp : std::uint8_t {
  allgather,
  reduce_scatter,
  allreduce,
  broadcast,  ///< from rank 0 of the group
  reduce,     ///< to rank 0 of the group
  halo,       ///< point-to-point swaps with neighbours in the model's two rounds
  regrid,     ///< a grid change: every process receives n bytes from the others
  send,       ///< one message of n bytes to the other member of a pair (pipeline stages)
  recv,       ///< the matching receive
};

[[nodiscard]] std::string_view to_string(CollectiveOp op) noexcept;

}  // namespace dnnsim
