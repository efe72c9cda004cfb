#include "sim/platform/platform_xml.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/common/error.hpp"
#include "sim/platform/route_length.hpp"

namespace dnnsim {

std::string simgrid_platform_xml(const Platform& p, std::int64_t hosts) {
  const auto& net = p.network;
  std::string topology;
  double links = 2.0;  // a crossbar route: two private links
  std::int64_t count = hosts;
  switch (net.topology) {
    case Topology::crossbar:
      break;
    case Topology::fat_tree: {
      const auto& t = net.fat_tree;
      topology =
          fmt::format(" topology=\"FAT_TREE\" topo_parameters=\"{};{};{};{}\"", t.levels,
                      fmt::join(t.down, ","), fmt::join(t.up, ","), fmt::join(t.link_counts, ","));
      links = fat_tree_mean_links(t);
      count = p.nodes;
      break;
    }
    case Topology::torus:
      topology =
          fmt::format(" topology=\"TORUS\" topo_parameters=\"{}\"", fmt::join(net.torus_dims, ","));
      links = torus_mean_links(net.torus_dims);
      count = p.nodes;
      break;
    case Topology::dragonfly: {
      const auto& d = net.dragonfly;
      topology = fmt::format(" topology=\"DRAGONFLY\" topo_parameters=\"{},{};{},{};{},{};{}\"",
                             d.groups, d.group_links, d.chassis, d.chassis_links, d.routers,
                             d.router_links, d.nodes);
      links = dragonfly_mean_links(d);
      count = p.nodes;
      break;
    }
    case Topology::hierarchical:
      throw InputError(p.file, std::nullopt, "network.topology",
                       "exporting a hierarchical platform as SimGrid XML is not supported; "
                       "export on a crossbar, fat-tree, torus or dragonfly platform");
  }
  // The same settings as the SimGrid engine (sim/platform/simgrid_platform.cpp): CM02,
  // no cross-traffic, no TCP window; smpirun overrides network/model unless given --cfg.
  return fmt::format(
      "<?xml version='1.0'?>\n"
      "<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n"
      "<!-- {} as dnnsim builds it: per-link latency = {:.17g} s / {:.17g} links -->\n"
      "<platform version=\"4.1\">\n"
      "  <config>\n"
      "    <prop id=\"network/model\" value=\"CM02\"/>\n"
      "    <prop id=\"network/crosstraffic\" value=\"0\"/>\n"
      "    <prop id=\"network/TCP-gamma\" value=\"0\"/>\n"
      "  </config>\n"
      "  <cluster id=\"{}\" prefix=\"host\" suffix=\"\" radical=\"0-{}\" speed=\"{:.17g}f\" "
      "bw=\"{:.17g}Bps\" lat=\"{:.17g}s\" sharing_policy=\"SPLITDUPLEX\"{}/>\n"
      "</platform>\n",
      p.name, net.latency_s, links, p.name, count - 1, p.node.sustained_flops(),
      net.bandwidth_bytes_per_s, net.latency_s / links, topology);
}

}  // namespace dnnsim
