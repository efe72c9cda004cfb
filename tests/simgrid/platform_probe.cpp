// Builds a platform with build_simgrid_platform (or load_simgrid_xml for a .xml file), sends
// messages between its hosts, all started at time 0, and prints the simulated time at which
// the last one arrives, with full precision. One run, one process: SimGrid keeps global state.
//
//   dnnsim_platform_probe platforms/crossbar.yaml 2 0 1 1e6              # one message, 1 MB
//   dnnsim_platform_probe platforms/crossbar.yaml 2 0 1 1e6 --also 1:0   # and one back at once
//   dnnsim_platform_probe platforms/fat-tree.yaml 512 0 32 1e8 --network-model CM02
//   dnnsim_platform_probe tests/data/tiny-platform.xml 3 --list-hosts
//   dnnsim_platform_probe platforms/dgx-h100.yaml 256 --mean-latency    # over node pairs
//
// --expect S checks the printed time (or mean latency) against S within --tolerance
// (relative, 1e-9 by default). Exit status: 0 ok, 1 input error, 2 usage, 3 unexpected value.

#include <cmath>
#include <cstdint>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <simgrid/s4u.hpp>

#include "sim/common/error.hpp"
#include "sim/platform/platform_loader.hpp"
#include "sim/platform/simgrid_platform.hpp"

namespace sg4 = simgrid::s4u;

namespace {

struct Message {
  std::size_t src = 0;
  std::size_t dst = 0;
};

int payload = 0;  // every message carries a pointer to this; only the simulated size matters

class Sender {
 public:
  Sender(sg4::Mailbox* mailbox, std::uint64_t bytes) : mailbox_(mailbox), bytes_(bytes) {}
  void operator()() const { mailbox_->put(&payload, bytes_); }

 private:
  sg4::Mailbox* mailbox_;
  std::uint64_t bytes_;
};

class Receiver {
 public:
  Receiver(sg4::Mailbox* mailbox, double* done_s) : mailbox_(mailbox), done_s_(done_s) {}
  void operator()() const {
    mailbox_->get<int>();
    *done_s_ = sg4::Engine::get_clock();
  }

 private:
  sg4::Mailbox* mailbox_;
  double* done_s_;
};

Message parse_pair(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos) throw CLI::ValidationError("--also", "expected SRC:DST");
  return {std::stoul(text.substr(0, colon)), std::stoul(text.substr(colon + 1))};
}

/// Mean route latency over ordered pairs of hosts on different nodes.
double mean_route_latency(const dnnsim::SimPlatform& platform) {
  const auto per_node = static_cast<std::size_t>(platform.accelerators_per_node);
  double sum = 0.0;
  double pairs = 0.0;
  for (std::size_t a = 0; a < platform.hosts.size(); ++a) {
    for (std::size_t b = 0; b < platform.hosts.size(); ++b) {
      if (a / per_node == b / per_node) continue;
      std::vector<sg4::Link*> links;
      double latency = 0.0;
      platform.hosts[a]->route_to(platform.hosts[b], links, &latency);
      sum += latency;
      pairs += 1.0;
    }
  }
  return sum / pairs;
}

bool check(double value, std::optional<double> expect, double tolerance) {
  if (!expect) return true;
  const double error = std::abs(value - *expect) / std::abs(*expect);
  fmt::print("expected {:.17g}, relative error {:.3g}\n", *expect, error);
  if (error <= tolerance) return true;
  fmt::print(stderr, "error: got {:.17g}, expected {:.17g} (relative error {:.3g} > {:.3g})\n",
             value, *expect, error, tolerance);
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Sends messages over a dnnsim platform in SimGrid and prints the simulated time"};
  std::string path;
  std::int64_t hosts_needed = 0;
  std::optional<std::size_t> src;
  std::optional<std::size_t> dst;
  double bytes = 0.0;
  std::vector<std::string> also;
  std::string network_model;
  std::optional<double> expect;
  double tolerance = 1e-9;
  bool list_hosts = false;
  bool mean_latency = false;
  app.add_option("platform", path, "platform YAML, or SimGrid XML (*.xml)")->required();
  app.add_option("hosts", hosts_needed, "hosts the platform must have")->required();
  app.add_option("src", src, "sending host index");
  app.add_option("dst", dst, "receiving host index");
  app.add_option("bytes", bytes, "message size");
  app.add_option("--also", also, "more messages of the same size, SRC:DST, sent at the same time");
  app.add_option("--network-model", network_model, "SimGrid network/model");
  app.add_option("--expect", expect, "expected time (or mean latency), seconds");
  app.add_option("--tolerance", tolerance, "relative tolerance of --expect");
  app.add_flag("--list-hosts", list_hosts, "print the host names in host-index order");
  app.add_flag("--mean-latency", mean_latency,
               "print the mean route latency over host pairs on different nodes; send nothing");
  CLI11_PARSE(app, argc, argv);

  int sg_argc = 1;
  sg4::Engine engine(&sg_argc, argv);
#ifdef __SANITIZE_ADDRESS__
  sg4::Engine::set_config("contexts/factory:thread");  // as sim/engine/replay.cpp does
#endif
  dnnsim::SimPlatform platform;
  std::vector<Message> messages;
  try {
    const bool xml = path.size() > 4 && path.compare(path.size() - 4, 4, ".xml") == 0;
    platform = xml ? dnnsim::load_simgrid_xml(engine, path, hosts_needed)
                   : dnnsim::build_simgrid_platform(engine, dnnsim::load_platform(path),
                                                    hosts_needed, network_model);
    if (src && dst) messages.push_back({*src, *dst});
    for (const auto& pair : also) messages.push_back(parse_pair(pair));
    for (const auto& m : messages) {
      if (m.src >= platform.hosts.size() || m.dst >= platform.hosts.size() || m.src == m.dst) {
        throw CLI::ValidationError("hosts", fmt::format("bad message {}:{}", m.src, m.dst));
      }
    }
  } catch (const dnnsim::InputError& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 1;
  } catch (const CLI::Error& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 2;
  }

  fmt::print("hosts: {}\n", platform.hosts.size());
  if (list_hosts) {
    for (const auto* host : platform.hosts) fmt::print("{}\n", host->get_name());
  }
  if (mean_latency) {
    const double mean = mean_route_latency(platform);
    fmt::print("mean_latency_s={:.17g}\n", mean);
    return check(mean, expect, tolerance) ? 0 : 3;
  }
  if (messages.empty()) return 0;

  std::vector<double> done_s(messages.size(), 0.0);
  for (std::size_t i = 0; i < messages.size(); ++i) {
    auto* mailbox = sg4::Mailbox::by_name(fmt::format("message-{}", i));
    sg4::Actor::create("sender", platform.hosts[messages[i].src],
                       Sender(mailbox, static_cast<std::uint64_t>(bytes)));
    sg4::Actor::create("receiver", platform.hosts[messages[i].dst], Receiver(mailbox, &done_s[i]));
  }
  engine.run();
  for (std::size_t i = 0; i < messages.size(); ++i) {
    fmt::print("message {} -> {}: {:.17g} s\n", messages[i].src, messages[i].dst, done_s[i]);
  }
  const double time_s = sg4::Engine::get_clock();
  fmt::print("time_s={:.17g}\n", time_s);
  return check(time_s, expect, tolerance) ? 0 : 3;
}
