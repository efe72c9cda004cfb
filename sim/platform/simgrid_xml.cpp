#include "sim/platform/simgrid_platform.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <simgrid/s4u.hpp>

#include "sim/common/error.hpp"
#include "sim/common/suggest.hpp"
#include "sim/common/text_file.hpp"

// A SimGrid XML platform, loaded as it is (docs/platforms.md, "SimGrid XML platforms").

namespace sg4 = simgrid::s4u;

namespace dnnsim {
namespace {

/// host2 before host10: digit runs compare as numbers.
bool natural_less(std::string_view a, std::string_view b) {
  auto is_digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    if (is_digit(a[i]) && is_digit(b[j])) {
      std::size_t end_a = i;
      std::size_t end_b = j;
      while (end_a < a.size() && is_digit(a[end_a])) ++end_a;
      while (end_b < b.size() && is_digit(b[end_b])) ++end_b;
      // Without leading zeros, the longer run is the larger number.
      const auto run_a = a.substr(i, end_a - i);
      const auto run_b = b.substr(j, end_b - j);
      const auto trimmed_a = run_a.substr(std::min(run_a.find_first_not_of('0'), run_a.size()));
      const auto trimmed_b = run_b.substr(std::min(run_b.find_first_not_of('0'), run_b.size()));
      if (trimmed_a.size() != trimmed_b.size()) return trimmed_a.size() < trimmed_b.size();
      if (trimmed_a != trimmed_b) return trimmed_a < trimmed_b;
      i = end_a;
      j = end_b;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j || (a.size() - i == b.size() - j && a < b);
}

/// SimGrid's "Bad config key: x\nExisting config keys:\n  a: ...\n  b: ..." as one line,
/// with a suggestion among the keys it lists.
std::string config_key_message(const std::string& what) {
  const auto first_end = what.find('\n');
  std::string first = what.substr(0, first_end);
  constexpr std::string_view kBadKey = "Bad config key: ";
  if (!first.starts_with(kBadKey) || first_end == std::string::npos) return first;
  const std::string key = first.substr(kBadKey.size());
  std::vector<std::string> keys;
  std::size_t at = first_end + 1;
  while (at < what.size()) {
    const auto end = what.find('\n', at);
    const std::string_view line(what.data() + at,
                                (end == std::string::npos ? what.size() : end) - at);
    if (line.starts_with("  ") && line.find(':') != std::string_view::npos) {
      keys.emplace_back(line.substr(2, line.find(':') - 2));
    }
    if (end == std::string::npos) break;
    at = end + 1;
  }
  const std::vector<std::string_view> names(keys.begin(), keys.end());
  return fmt::format("unknown SimGrid configuration key '{}'{}", key, did_you_mean(key, names));
}

}  // namespace

SimPlatform load_simgrid_xml(sg4::Engine& engine, const std::string& path,
                             std::int64_t hosts_needed) {
  require_no_platform(engine);
  // SimGrid aborts the process on some unreadable files, and would read a device or a FIFO
  // forever: check before it opens this one.
  require_input_file(path, "SimGrid platform");
  try {
    engine.load_platform(path);
  } catch (const std::exception& e) {
    throw InputError(
        path, std::nullopt, "",
        fmt::format("SimGrid cannot load this platform: {}", config_key_message(e.what())));
  }
  SimPlatform sim;
  sim.hosts = engine.get_all_hosts();
  std::sort(sim.hosts.begin(), sim.hosts.end(), [](const sg4::Host* a, const sg4::Host* b) {
    return natural_less(a->get_name(), b->get_name());
  });
  if (sim.hosts.empty())
    throw InputError(path, std::nullopt, "", "the SimGrid platform has no host");
  if (hosts_needed > static_cast<std::int64_t>(sim.hosts.size())) {
    throw InputError(path, std::nullopt, "",
                     fmt::format("the SimGrid platform has {} hosts, but {} are needed",
                                 sim.hosts.size(), hosts_needed));
  }
  // What SimGrid would only notice in the middle of the run, as an internal error (a host
  // of speed 0) or a deadlock (a link of bandwidth 0).
  for (const sg4::Host* host : sim.hosts) {
    if (!(host->get_speed() > 0.0)) {
      throw InputError(path, std::nullopt, fmt::format("host '{}'", host->get_name()),
                       fmt::format("speed {} flop/s; a host that runs a rank needs a positive "
                                   "speed",
                                   host->get_speed()));
    }
  }
  for (const sg4::Link* link : engine.get_all_links()) {
    if (!(link->get_bandwidth() > 0.0)) {
      throw InputError(path, std::nullopt, fmt::format("link '{}'", link->get_name()),
                       fmt::format("bandwidth {} B/s; every link needs a positive bandwidth",
                                   link->get_bandwidth()));
    }
    if (!(link->get_latency() >= 0.0)) {
      throw InputError(path, std::nullopt, fmt::format("link '{}'", link->get_name()),
                       fmt::format("latency {} s; expected 0 or more", link->get_latency()));
    }
  }
  return sim;
}

}  // namespace dnnsim
