#pragma once
// Collective algorithms as point-to-point schedules: plain data, no SimGrid. A rank's
// schedule is a list of steps; in a step the rank posts every send and receive of the step
// at once and the step ends when all of them are done (docs/model.md, "Collectives";
// docs/design.md, "The SimGrid engine").

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "sim/strategy/collective_op.hpp"

namespace dnnsim {

/// Which algorithm expands a collective.
enum class Algorithm : std::uint8_t {
  automatic,           ///< the default: `recursive` when p is a power of two, else `bruck`
  recursive,           ///< recursive doubling / halving, Rabenseifner's all-reduce (MPICH order)
  bruck,               ///< Bruck's all-gather, its dual reduce-scatter, their composition
  ring,                ///< ring all-gather / reduce-scatter / all-reduce
  binomial,            ///< binomial-tree broadcast / reduce (all-reduce = reduce + broadcast)
  rabenseifner_mpich,  ///< MPICH's Rabenseifner with its non-power-of-two fold
};

[[nodiscard]] std::string_view to_string(Algorithm algorithm) noexcept;
[[nodiscard]] std::optional<Algorithm> algorithm_from_string(std::string_view name) noexcept;
/// Every name algorithm_from_string takes, for messages.
inline constexpr std::array<std::string_view, 7> kAlgorithmNames{
    "auto", "rabenseifner", "recursive", "bruck", "ring", "binomial", "rabenseifner-mpich"};

/// One message of a step: the peer's rank within the group and the payload in bytes.
struct Message {
  std::int64_t peer = 0;
  double bytes = 0.0;
};

struct ScheduleStep {
  std::vector<Message> sends;
  std::vector<Message> recvs;
};

using RankSchedule = std::vector<ScheduleStep>;

/// The steps rank `rank` (0 <= rank < p) of a group of `p` takes. `bytes` is the model's n:
/// the whole result of an all-gather, the vector reduced by a (all-)reduce / reduce-scatter,
/// the message of a broadcast (root 0), one exchange of a halo (the model's two rounds:
/// pairs (0,1), (2,3), ... then (1,2), (3,4), ...; both directions at once), one message to
/// or from the other member of a pair for a send or a receive.
/// Empty when p == 1. Throws std::invalid_argument for a combination that does not exist
/// (e.g. `recursive` on a non-power-of-two group, `binomial` all-gather).
[[nodiscard]] RankSchedule collective_schedule(CollectiveOp op, Algorithm algorithm, std::int64_t p,
                                               std::int64_t rank, double bytes);

/// A schedule with each run of equal consecutive steps kept once: a ring's 2(p - 1) steps
/// are one step repeated, so every rank of a large group can hold its schedule at once
/// (expanded, p ranks would hold p^2 steps).
struct CompactSchedule {
  RankSchedule steps;
  std::vector<std::int64_t> repeats;  ///< how many times each of steps runs in a row
};

/// collective_schedule's steps, compact; a ring's are built so, never expanded.
[[nodiscard]] CompactSchedule compact_schedule(CollectiveOp op, Algorithm algorithm, std::int64_t p,
                                               std::int64_t rank, double bytes);

/// Walks a CompactSchedule one step at a time.
class ScheduleCursor {
 public:
  ScheduleCursor() = default;
  explicit ScheduleCursor(const CompactSchedule& schedule) : schedule_(&schedule) {}
  [[nodiscard]] bool done() const noexcept {
    return schedule_ == nullptr || run_ >= schedule_->steps.size();
  }
  [[nodiscard]] const ScheduleStep& step() const { return schedule_->steps[run_]; }
  void next() noexcept {
    if (++repeat_ >= schedule_->repeats[run_]) {
      ++run_;
      repeat_ = 0;
    }
  }

 private:
  const CompactSchedule* schedule_ = nullptr;
  std::size_t run_ = 0;
  std::int64_t repeat_ = 0;
};

}  // namespace dnnsim
