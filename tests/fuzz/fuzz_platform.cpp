// Fuzz target: the platform loader (parse_platform), then what trusts the platform it
// returns: its host count, its SimGrid XML export and the analytic model on it.

#include <algorithm>

#include "sim/model/analytic_model.hpp"
#include "sim/platform/platform_loader.hpp"
#include "sim/platform/platform_xml.hpp"
#include "sim/workload/network_loader.hpp"
#include "tests/fuzz/fuzz_target.hpp"

namespace {

const dnnsim::Network& small_network() {
  static const dnnsim::Network net = dnnsim::parse_network(YAML::Load(R"(
name: small
batch: 16
input: {channels: 3, height: 16, width: 16}
layers:
  - {name: conv, type: conv2d, out_channels: 8, kernel: 3, padding: 1}
  - {name: pool, type: maxpool, kernel: 2}
  - {name: flat, type: flatten}
  - {name: fc, type: linear, out_features: 10}
)"),
                                                           "small.yaml");
  return net;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dnnsim;
  return fuzz::run(data, size, "platform", [](const YAML::Node& root) {
    const Platform platform = parse_platform(root, std::string(fuzz::kFuzzFile));
    if (platform.hosts() < 1) fuzz::bug("a platform without hosts");
    const std::int64_t procs = std::min<std::int64_t>(platform.hosts(), 4);
    if (platform.network.topology != Topology::hierarchical) {
      (void)simgrid_platform_xml(platform, procs);
    }
    const Network& net = small_network();
    AnalyticModel model(net, platform);
    const Evaluation e = model.evaluate(uniform_plan(net, Strategy::batch, {1, procs}), net.batch);
    if (!e.violation) fuzz::check_result(e.result);
  });
}
