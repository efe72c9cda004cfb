#include "sim/engine/mailboxes.hpp"

#include <fmt/format.h>
#include <simgrid/s4u.hpp>

namespace sg4 = simgrid::s4u;

namespace dnnsim {

sg4::Mailbox* Mailboxes::from(std::int64_t sender) {
  return lookup(inbox_, rank_, sender, sender);
}

sg4::Mailbox* Mailboxes::to(std::int64_t receiver) {
  return lookup(outbox_, receiver, rank_, receiver);
}

sg4::Mailbox* Mailboxes::stage_from(std::int64_t sender) {
  sg4::Mailbox* box = sg4::Mailbox::by_name(fmt::format("stage {}<{}", rank_, sender));
  box->set_receiver(sg4::Actor::self());
  return box;
}

sg4::Mailbox* Mailboxes::stage_to(std::int64_t rank, std::int64_t receiver) {
  return sg4::Mailbox::by_name(fmt::format("stage {}<{}", receiver, rank));
}

sg4::Mailbox* Mailboxes::wake() {
  if (wake_ == nullptr) wake_ = wake_of(rank_);
  return wake_;
}

sg4::Mailbox* Mailboxes::wake_of(std::int64_t rank) {
  return sg4::Mailbox::by_name(fmt::format("wake {}", rank));
}

sg4::Mailbox* Mailboxes::lookup(Cache& cache, std::int64_t receiver, std::int64_t sender,
                                std::int64_t peer) {
  for (const auto& [p, box] : cache) {
    if (p == peer) return box;
  }
  sg4::Mailbox* box = sg4::Mailbox::by_name(fmt::format("{}<{}", receiver, sender));
  cache.emplace_back(peer, box);
  return box;
}

}  // namespace dnnsim
