#include "sim/platform/simgrid_network_model.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <xbt/log.h>
#include <simgrid/s4u.hpp>

#include "sim/common/error.hpp"
#include "sim/common/suggest.hpp"

namespace sg4 = simgrid::s4u;

namespace dnnsim {
namespace {

/// SimGrid 3.32's network models (ns-3 needs a SimGrid built with it); SimGrid aborts the
/// process on any other name, so it is checked here. Its `Constant` model aborts too: it
/// refuses links, and every platform dnnsim builds is made of links.
constexpr std::array<std::string_view, 4> kNetworkModels{"CM02", "LV08", "SMPI", "IB"};

}  // namespace

void configure_network(const std::string& network_model) {
  if (network_model == "Constant") {
    throw InputError("", std::nullopt, "--network-model",
                     "SimGrid's Constant model has no links and dnnsim's platforms are made of "
                     "links; expected one of: CM02, LV08, SMPI, IB");
  }
  if (!network_model.empty() && std::find(kNetworkModels.begin(), kNetworkModels.end(),
                                          network_model) == kNetworkModels.end()) {
    throw InputError(
        "", std::nullopt, "--network-model",
        fmt::format("unknown network model '{}'{}; expected one of: {}", network_model,
                    did_you_mean(network_model, kNetworkModels), fmt::join(kNetworkModels, ", ")));
  }
  // SimGrid logs every configuration change at INFO; these are ours, not the user's.
  xbt_log_control_set("xbt_cfg.thresh:warning");
  const std::string model = network_model.empty() ? "CM02" : network_model;
  sg4::Engine::set_config("network/model:" + model);
  sg4::Engine::set_config("network/crosstraffic:0");
  sg4::Engine::set_config("network/TCP-gamma:0");
}

}  // namespace dnnsim
