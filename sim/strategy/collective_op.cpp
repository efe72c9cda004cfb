#include "sim/strategy/collective_op.hpp"

namespace dnnsim {

std::string_view to_string(CollectiveOp op) noexcept {
  switch (op) {
    case CollectiveOp::allgather:
      return "allgather";
    case CollectiveOp::reduce_scatter:
      return "reduce-scatter";
    case CollectiveOp::allreduce:
      return "allreduce";
    case CollectiveOp::broadcast:
      return "broadcast";
    case CollectiveOp::reduce:
      return "reduce";
    case CollectiveOp::halo:
      return "halo";
    case CollectiveOp::regrid:
      return "regrid";
    case CollectiveOp::send:
      return "send";
    case CollectiveOp::recv:
      return "recv";
  }
  return "allgather";
}

}  // namespace dnnsim
