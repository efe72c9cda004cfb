#include "sim/sweep/sweep_spec.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <span>

#include <fmt/format.h>

#include "sim/common/bounds.hpp"
#include "sim/common/error.hpp"
#include "sim/common/suggest.hpp"
#include "sim/common/yaml_map.hpp"
#include "sim/strategy/placement.hpp"
#include "sim/taskgraph/collective_schedule.hpp"

namespace dnnsim {
namespace {

// A scalar or a list of scalars, as a list.
std::vector<YAML::Node> items(const YamlMap& map, std::string_view key) {
  const YAML::Node node = map.node(key);
  std::vector<YAML::Node> out;
  if (node.IsSequence()) {
    for (const auto& item : node) out.push_back(item);
  } else if (node.IsScalar()) {
    out.push_back(node);
  }
  if (out.empty()) map.fail(key, "expected a value or a non-empty list of values");
  return out;
}

// An error at one item of a list (its own line).
[[noreturn]] void fail_item(const YamlMap& map, std::string_view key, const YAML::Node& item,
                            const std::string& message) {
  throw InputError(map.file(), line_of(item) ? line_of(item) : line_of(map.node(key)),
                   map.key_path(key), message);
}

std::string shown(const YAML::Node& item) {
  return item.IsScalar() ? fmt::format("'{}'", item.Scalar()) : std::string("a list or mapping");
}

std::optional<double> number(const YAML::Node& item) {
  if (!item.IsScalar()) return std::nullopt;
  try {
    const double value = item.as<double>();
    if (std::isfinite(value)) return value;
  } catch (const YAML::Exception&) {
  }
  return std::nullopt;
}

std::vector<std::int64_t> positive_ints(const YamlMap& map, std::string_view key) {
  std::vector<std::int64_t> out;
  for (const auto& item : items(map, key)) {
    const auto value = number(item);
    if (!value || !(*value >= 1) || *value > static_cast<double>(kMaxInteger) ||
        std::floor(*value) != *value) {
      fail_item(map, key, item,
                fmt::format("expected positive integers up to 2^40 = {}, found {}", kMaxInteger,
                            shown(item)));
    }
    out.push_back(static_cast<std::int64_t>(*value));
  }
  return out;
}

// What-if scales: within nine orders of magnitude, so that no time comes out infinite.
std::vector<double> scales(const YamlMap& map, std::string_view key) {
  std::vector<double> out;
  for (const auto& item : items(map, key)) {
    const auto value = number(item);
    if (!value || !(*value >= 1e-9) || *value > 1e9) {
      fail_item(map, key, item,
                fmt::format("expected numbers in [1e-9, 1e9], found {}", shown(item)));
    }
    out.push_back(*value);
  }
  return out;
}

// A name that must be one of `names`.
std::string one_of(const YamlMap& map, std::string_view key, std::string_view what,
                   std::span<const std::string_view> names) {
  const std::string value = map.string(key);
  if (std::find(names.begin(), names.end(), value) == names.end()) {
    map.fail(key, unknown_name(what, value, names));
  }
  return value;
}

// The axes of pipelines, sharding and recomputation (docs/sweeps.md), each a value or a
// list; their defaults are what analytic runs without the options.
void parse_pipeline_axes(const YamlMap& top, SweepSpec& spec) {
  if (top.has("stages")) {
    if (!spec.all_grids) {
      top.fail("stages", "with a list of grids, write each grid's stages in it as PRxPCxPP");
    }
    spec.stages = positive_ints(top, "stages");
  }
  if (top.has("microbatches")) spec.microbatches = positive_ints(top, "microbatches");
  if (top.has("schedules")) {
    spec.schedules.clear();
    for (const auto& item : items(top, "schedules")) {
      const auto s = item.IsScalar() ? parse_schedule(item.Scalar()) : std::nullopt;
      if (!s) {
        fail_item(top, "schedules", item,
                  fmt::format("expected gpipe, 1f1b or interleaved:V, found {}", shown(item)));
      }
      spec.schedules.push_back(*s);
    }
  }
  if (top.has("zero")) {
    spec.zero.clear();
    for (const auto& item : items(top, "zero")) {
      const auto value = number(item);
      if (!value || (*value != 0 && *value != 1 && *value != 2 && *value != 3)) {
        fail_item(top, "zero", item,
                  fmt::format("expected ZeRO stages 0 to 3, found {}", shown(item)));
      }
      spec.zero.push_back(static_cast<int>(*value));
    }
  }
  if (top.has("recompute")) {
    spec.recompute.clear();
    for (const auto& item : items(top, "recompute")) {
      const auto r = item.IsScalar() ? recompute_from_string(item.Scalar()) : std::nullopt;
      if (!r) {
        fail_item(
            top, "recompute", item,
            unknown_name("recomputation", item.IsScalar() ? item.Scalar() : "", kRecomputeNames));
      }
      spec.recompute.push_back(*r);
    }
  }
  if (top.has("sequence_parallel")) {
    spec.sequence_parallel.clear();
    for (const auto& item : items(top, "sequence_parallel")) {
      const std::string v = item.IsScalar() ? item.Scalar() : std::string();
      if (v != "true" && v != "false") {
        fail_item(top, "sequence_parallel", item,
                  fmt::format("expected true or false, found {}", shown(item)));
      }
      spec.sequence_parallel.push_back(v == "true");
    }
  }
  if (top.has("bucket_bytes")) {
    spec.bucket_bytes.clear();
    for (const auto& item : items(top, "bucket_bytes")) {
      const auto value = number(item);
      if (!value || !(*value >= 0) || *value > static_cast<double>(kMaxInteger) ||
          std::floor(*value) != *value) {
        fail_item(
            top, "bucket_bytes", item,
            fmt::format("expected whole numbers of bytes from 0 to 2^40, found {}", shown(item)));
      }
      spec.bucket_bytes.push_back(static_cast<std::int64_t>(*value));
    }
  }
}

}  // namespace

std::string_view sweep_csv_header() {
  return "workload,platform,engine,batch,procs,pr,pc,pp,strategy,microbatches,schedule,zero,"
         "recompute,sequence_parallel,bucket_bytes,bandwidth_scale,latency_scale,flops_scale,"
         "intra_bandwidth_scale,iteration_s,compute_s,comm_s,forward_s,backward_s,gradient_s,"
         "halo_s,redistribute_s,memory_bytes_per_proc,exceeds_memory,bubble_s,mfu,error";
}

std::optional<std::pair<int, int>> parse_shard(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  int k = 0;
  int n = 0;
  const auto a = text.substr(0, slash);
  const auto b = text.substr(slash + 1);
  const auto ra = std::from_chars(a.data(), a.data() + a.size(), k);
  const auto rb = std::from_chars(b.data(), b.data() + b.size(), n);
  if (ra.ec != std::errc() || ra.ptr != a.data() + a.size() || rb.ec != std::errc() ||
      rb.ptr != b.data() + b.size() || n < 1 || k < 0 || k >= n) {
    return std::nullopt;
  }
  return std::pair{k, n};
}

SweepSpec parse_sweep_spec(const YAML::Node& root, const std::string& path,
                           const PresetResolver& resolve) {
  const YamlMap top(root, path, "");
  top.require_known_keys({"workloads", "platforms", "procs", "grids", "stages", "strategies",
                          "batch", "microbatches", "schedules", "zero", "recompute",
                          "sequence_parallel", "bucket_bytes", "engine", "overrides", "collective",
                          "placement", "overlap"});
  SweepSpec spec;
  spec.file = path;
  const auto resolve_all = [&](std::string_view key, std::string_view kind) {
    std::vector<std::string> out;
    for (const auto& item : items(top, key)) {
      if (!item.IsScalar() || item.Scalar().empty()) {
        fail_item(top, key, item, fmt::format("expected names, found {}", shown(item)));
      }
      try {
        out.push_back(resolve(item.Scalar(), kind));
      } catch (const InputError& e) {
        fail_item(top, key, item, e.what());
      }
    }
    return out;
  };
  spec.workloads = resolve_all("workloads", "workloads");
  spec.platforms = resolve_all("platforms", "platforms");
  spec.procs = positive_ints(top, "procs");
  if (top.has("grids")) {
    const YAML::Node grids = top.node("grids");
    if (grids.IsScalar() && grids.Scalar() == "all") {
      spec.all_grids = true;
    } else {
      spec.all_grids = false;
      for (const auto& item : items(top, "grids")) {
        const auto grid = item.IsScalar() ? parse_pipeline_grid(item.Scalar()) : std::nullopt;
        if (!grid) {
          fail_item(
              top, "grids", item,
              fmt::format("expected 'all' or grids PRxPC or PRxPCxPP, found {}", shown(item)));
        }
        if (std::find(spec.procs.begin(), spec.procs.end(), grid->procs()) == spec.procs.end()) {
          fail_item(top, "grids", item,
                    fmt::format("grid {} has {} processes, which is none of procs", item.Scalar(),
                                grid->procs()));
        }
        spec.grids.push_back(*grid);
      }
    }
  }
  parse_pipeline_axes(top, spec);
  std::vector<std::string_view> names(kStrategyNames.begin(), kStrategyNames.end());
  names.push_back("optimized");
  for (const auto& item : items(top, "strategies")) {
    const std::string s = item.IsScalar() ? item.Scalar() : std::string();
    if (s == "optimized") {
      spec.strategies.push_back({true, Strategy::plan});
      continue;
    }
    const auto strategy = strategy_from_string(s);
    if (!strategy) fail_item(top, "strategies", item, unknown_name("strategy", s, names));
    spec.strategies.push_back({false, *strategy});
  }
  if (top.has("batch")) spec.batches = positive_ints(top, "batch");
  spec.engines = {"analytic"};
  if (top.has("engine")) {
    constexpr std::array<std::string_view, 2> kEngines{"analytic", "simgrid"};
    spec.engines.clear();
    for (const auto& item : items(top, "engine")) {
      const std::string e = item.IsScalar() ? item.Scalar() : std::string();
      if (std::find(kEngines.begin(), kEngines.end(), e) == kEngines.end()) {
        fail_item(top, "engine", item, unknown_name("engine", e, kEngines));
      }
      spec.engines.push_back(e);
    }
  }
  if (top.has("overrides")) {
    const YamlMap o(top.node("overrides"), path, "overrides");
    o.require_known_keys(
        {"bandwidth_scale", "latency_scale", "flops_scale", "intra_bandwidth_scale"});
    if (o.has("bandwidth_scale")) spec.bandwidth_scales = scales(o, "bandwidth_scale");
    if (o.has("latency_scale")) spec.latency_scales = scales(o, "latency_scale");
    if (o.has("flops_scale")) spec.flops_scales = scales(o, "flops_scale");
    if (o.has("intra_bandwidth_scale")) {
      spec.intra_bandwidth_scales = scales(o, "intra_bandwidth_scale");
    }
  }
  if (top.has("collective")) {
    spec.collective = one_of(top, "collective", "algorithm", kAlgorithmNames);
  }
  if (top.has("placement")) spec.placement = one_of(top, "placement", "placement", kPlacementNames);
  if (top.has("overlap")) spec.overlap = top.boolean("overlap");
  return spec;
}

SweepSpec load_sweep_spec(const std::string& path, const PresetResolver& resolve) {
  return parse_sweep_spec(load_yaml_file(path, "sweep"), path, resolve);
}

}  // namespace dnnsim
