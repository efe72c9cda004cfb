#include "sim/engine/collective_instances.hpp"

#include <algorithm>

namespace dnnsim {

void CollectiveInstances::start(const Task& t, const Seat& seat, double now) {
  Instance& i = instances_[key(t, seat)];
  i.latest_start = std::max(i.latest_start, now);
}

double CollectiveInstances::finish_s(const Task& t, const Seat& seat) const {
  return instances_.at(key(t, seat)).finish_s.at(static_cast<std::size_t>(seat.rank));
}

double CollectiveInstances::done(const Task& t, const Seat& seat, double start_s) {
  const auto it = instances_.find(key(t, seat));
  const double latest = std::max(start_s, it->second.latest_start);
  if (++it->second.finished == t.group_size) instances_.erase(it);
  return latest;
}

}  // namespace dnnsim
