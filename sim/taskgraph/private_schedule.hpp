#pragma once
// A collective whose messages have links of their own, timed without sending them
// (docs/design.md, "Private collectives"): plain arithmetic on the schedule, no SimGrid.

#include <cstdint>
#include <vector>

#include "sim/taskgraph/collective_schedule.hpp"

namespace dnnsim {

/// Whether every member's result needs every member's data (all-reduce, all-gather,
/// reduce-scatter) and its schedule posts at most one send and one receive per step, so
/// that two of the collective's messages never travel on one link direction at once.
[[nodiscard]] bool runs_on_private_links(CollectiveOp op, Algorithm algorithm, std::int64_t p);

/// When each member of a group of arrival.size() finishes `op`, member k posting its first
/// step at arrival[k]: a message travels once both its sender and its receiver have posted
/// its step (the messages between two members matched in the order posted, as SimGrid's
/// mailboxes do), for latency_s + bytes / bandwidth (bytes rounded to whole bytes, at least
/// one, as the replay sends them), and a step ends when its messages have.
/// Throws std::logic_error if the schedules never match (a schedule bug).
[[nodiscard]] std::vector<double> private_finish_times(CollectiveOp op, Algorithm algorithm,
                                                       const std::vector<double>& arrival,
                                                       double bytes, double latency_s,
                                                       double bandwidth);

}  // namespace dnnsim
