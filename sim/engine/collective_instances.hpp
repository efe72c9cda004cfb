#pragma once
// What the members of one collective share while it runs (docs/design.md, "The SimGrid
// engine"): when the last of them started it and, on private links, when each finishes.
// Plain data: the simulation is single-threaded.

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "sim/taskgraph/task_graph.hpp"

namespace dnnsim {

class CollectiveInstances {
 public:
  /// Member `seat` starts collective `t` at `now`.
  void start(const Task& t, const Seat& seat, double now);

  /// On private links: member `seat` came at `now`; true when it is the last, and then
  /// `finish_s` (when each member finishes, by its rank in the group) is set from the
  /// arrivals by `time`.
  template <class Time>
  bool arrive(const Task& t, const Seat& seat, double now, Time&& time) {
    Instance& i = instances_[key(t, seat)];
    i.arrival_s.resize(static_cast<std::size_t>(t.group_size), 0.0);
    i.arrival_s[static_cast<std::size_t>(seat.rank)] = now;
    if (++i.arrived < t.group_size) return false;
    i.finish_s = time(i.arrival_s);
    return true;
  }

  /// On private links, once the last member came: when member `seat` finishes.
  [[nodiscard]] double finish_s(const Task& t, const Seat& seat) const;

  /// Member `seat` is done: when the last member started the collective (at least
  /// `start_s`, this member's own start). The record goes once every member is done.
  double done(const Task& t, const Seat& seat, double start_s);

 private:
  struct Instance {
    double latest_start = 0.0;
    std::int64_t finished = 0;
    std::int64_t arrived = 0;
    std::vector<double> arrival_s;
    std::vector<double> finish_s;
  };
  // A collective instance: its place in the global order and its group's first member.
  static std::uint64_t key(const Task& t, const Seat& seat) {
    return (static_cast<std::uint64_t>(t.order) << 32) | static_cast<std::uint64_t>(seat.first);
  }

  std::unordered_map<std::uint64_t, Instance> instances_;
};

}  // namespace dnnsim
