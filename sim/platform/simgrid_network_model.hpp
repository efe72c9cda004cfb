#pragma once
// The SimGrid network model every platform dnnsim builds runs under.
//
// Network model: the YAML presets describe RDMA / credit-based fabrics (InfiniBand, Aries,
// NVLink, torus links), so no platform built here models TCP's artefacts: cross-traffic
// (a 5 % reverse flow of ACKs on every message, which slows exchanges that run both ways
// at once) and the TCP window (rate <= gamma / (2 * latency)) are off everywhere. `network_model`
// then picks how links share bandwidth and scale latency: "" means CM02 on every topology,
// so that the YAML's latency and bandwidth mean what they say (on a crossbar one message
// costs exactly alpha + beta * n) and every difference from the analytic model comes from
// routes and contention; LV08 (SimGrid's TCP-calibrated default, which scales latency by
// 13.01 and bandwidth by 0.97) and the others are passed to network/model as asked.

#include <string>

namespace dnnsim {

/// Sets SimGrid's network model (`""`: CM02) with cross-traffic and the TCP window off.
/// Throws InputError (key --network-model) for a model SimGrid 3.32 would abort on.
void configure_network(const std::string& network_model);

}  // namespace dnnsim
