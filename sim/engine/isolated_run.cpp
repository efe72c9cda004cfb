#include "sim/engine/isolated_run.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>
#include <simgrid/s4u.hpp>

#include "sim/common/error.hpp"
#include "sim/engine/engine_arguments.hpp"
#include "sim/platform/simgrid_platform.hpp"
#include "sim/result/result_json.hpp"

namespace sg4 = simgrid::s4u;

namespace dnnsim {

ChildSimulation::ChildSimulation(const Network& network, const Platform& platform, const Plan& plan,
                                 std::int64_t batch, const ReplayOptions& options)
    : process_([&] { return to_json(simulate(network, platform, plan, batch, options), network); },
               platform.simgrid_xml) {}

Result ChildSimulation::finish() {
  return result_from_json(process_.finish());
}

Result simulate_in_child(const Network& network, const Platform& platform, const Plan& plan,
                         std::int64_t batch, const ReplayOptions& options) {
  ChildSimulation child(network, platform, plan, batch, options);
  return child.finish();
}

namespace {

// In the child: what load_simgrid_xml_platform needs from SimGrid.
nlohmann::ordered_json describe_xml(const std::string& path) {
  std::vector<std::string> args = engine_arguments();
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  sg4::Engine engine(&argc, argv.data());
  const SimPlatform sim = load_simgrid_xml(engine, path, 1);
  nlohmann::ordered_json j;
  j["hosts"] = sim.hosts.size();
  j["speed"] = sim.hosts.front()->get_speed();
  if (sim.hosts.size() > 1) {
    const sg4::Host* a = sim.hosts[0];
    const sg4::Host* b = sim.hosts[1];
    std::vector<sg4::Link*> links;
    double latency = 0.0;
    {
      // SimGrid 3.32 crashes on a missing route instead of saying so.
      const CrashNote note(
          fmt::format("no route from host '{}' to host '{}'; the ranks need a "
                      "route between every pair of hosts they use",
                      a->get_name(), b->get_name()));
      a->route_to(b, links, &latency);
    }
    double bandwidth = 0.0;
    for (const sg4::Link* link : links) {
      bandwidth =
          bandwidth == 0.0 ? link->get_bandwidth() : std::min(bandwidth, link->get_bandwidth());
    }
    j["latency"] = latency;
    j["bandwidth"] = bandwidth;
  }
  return j;
}

}  // namespace

Platform load_simgrid_xml_platform(const std::string& path) {
  ChildProcess child([&] { return describe_xml(path); }, path);
  const nlohmann::ordered_json j = child.finish();
  Platform p;
  p.name = std::filesystem::path(path).stem().string();
  p.file = path;
  p.simgrid_xml = path;
  p.nodes = j.at("hosts").get<std::int64_t>();
  p.node.flops = j.at("speed").get<double>();
  p.node.efficiency = 1.0;
  p.network.topology = Topology::crossbar;
  // One host, or a route without links: communication is free, as a rate of 1e30 B/s.
  p.network.latency_s = j.value("latency", 0.0);
  const double bandwidth = j.value("bandwidth", 0.0);
  p.network.bandwidth_bytes_per_s = bandwidth > 0.0 ? bandwidth : 1e30;
  return p;
}

}  // namespace dnnsim
