#pragma once
// A Platform as a SimGrid XML platform file (a <cluster> of the same topology, links and
// per-link latency as the zone builders make), for `taskgraph --export smpi` so that
// `smpirun -replay` runs on the same machine dnnsim simulates.

#include <cstdint>
#include <string>

#include "sim/platform/platform.hpp"

namespace dnnsim {

/// The XML text, hosts named host0, host1, ...; a crossbar gets `hosts` hosts, the other
/// topologies all their nodes. Throws InputError for hierarchical platforms (no single
/// SimGrid <cluster> expresses nodes of accelerators).
[[nodiscard]] std::string simgrid_platform_xml(const Platform& platform, std::int64_t hosts);

}  // namespace dnnsim
