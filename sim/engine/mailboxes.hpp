#pragma once
// The mailboxes the rank actors talk through (docs/design.md, "The SimGrid engine").

#include <cstdint>
#include <utility>
#include <vector>

#include <simgrid/forward.h>

namespace dnnsim {

/// Per (receiver, sender) FIFO mailboxes: every rank issues its collectives in the same
/// global order, so the messages between two ranks are posted in the same order on both
/// sides, even when a partner already sends for its next step or collective.
class Mailboxes {
 public:
  explicit Mailboxes(std::int64_t rank) : rank_(rank) {}

  simgrid::s4u::Mailbox* from(std::int64_t sender);
  simgrid::s4u::Mailbox* to(std::int64_t receiver);

  /// Between pipeline stages: the receiver is the mailbox's permanent receiver, so a
  /// message travels as soon as it is sent (eagerly, as the cost model's recurrence has it)
  /// instead of waiting for the receive to be posted.
  simgrid::s4u::Mailbox* stage_from(std::int64_t sender);
  static simgrid::s4u::Mailbox* stage_to(std::int64_t rank, std::int64_t receiver);

  /// Where the last member of a collective on private links wakes this rank.
  simgrid::s4u::Mailbox* wake();
  static simgrid::s4u::Mailbox* wake_of(std::int64_t rank);

 private:
  // A rank talks to a few dozen peers (log P per group): a flat list beats hashing.
  using Cache = std::vector<std::pair<std::int64_t, simgrid::s4u::Mailbox*>>;

  static simgrid::s4u::Mailbox* lookup(Cache& cache, std::int64_t receiver, std::int64_t sender,
                                       std::int64_t peer);

  std::int64_t rank_;
  Cache inbox_;
  Cache outbox_;
  simgrid::s4u::Mailbox* wake_ = nullptr;
};

}  // namespace dnnsim
