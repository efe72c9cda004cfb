#include "sim/sweep/sweep_spec.hpp"

#include <charconv>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/common/yaml_map.hpp"

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

std::vector<std::string> strings(const YamlMap& map, std::string_view key) {
  std::vector<std::string> out;
  for (const auto& item : items(map, key)) {
    if (!item.IsScalar() || item.Scalar().empty()) map.fail(key, "expected names");
    out.push_back(item.Scalar());
  }
  return out;
}

std::vector<std::int64_t> positive_ints(const YamlMap& map, std::string_view key) {
  std::vector<std::int64_t> out;
  for (const auto& item : items(map, key)) {
    double value = 0;
    try {
      value = item.as<double>();
    } catch (const YAML::Exception&) {
      map.fail(key, fmt::format("expected positive integers, found '{}'",
                                item.IsScalar() ? item.Scalar() : "a non-scalar"));
    }
    if (!(value >= 1) || value != static_cast<double>(static_cast<std::int64_t>(value)) ||
        value > 1e12) {
      map.fail(key, fmt::format("expected positive integers, found '{}'", item.Scalar()));
    }
    out.push_back(static_cast<std::int64_t>(value));
  }
  return out;
}

std::vector<double> positive_numbers(const YamlMap& map, std::string_view key) {
  std::vector<double> out;
  for (const auto& item : items(map, key)) {
    double value = 0;
    try {
      value = item.as<double>();
    } catch (const YAML::Exception&) {
      map.fail(key, fmt::format("expected positive numbers, found '{}'",
                                item.IsScalar() ? item.Scalar() : "a non-scalar"));
    }
    if (!(value > 0) || value > 1e12) {
      map.fail(key, fmt::format("expected positive numbers, found '{}'", item.Scalar()));
    }
    out.push_back(value);
  }
  return out;
}

}  // namespace

std::string_view sweep_csv_header() {
  return "workload,platform,engine,batch,procs,pr,pc,strategy,bandwidth_scale,latency_scale,"
         "flops_scale,iteration_s,compute_s,comm_s,forward_s,backward_s,gradient_s,halo_s,"
         "redistribute_s,memory_bytes_per_proc,exceeds_memory,error";
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

SweepSpec load_sweep_spec(
    const std::string& path,
    const std::function<std::string(const std::string&, std::string_view)>& resolve) {
  const YAML::Node root = load_yaml_file(path, "sweep");
  const YamlMap top(root, path, "");
  top.require_known_keys({"workloads", "platforms", "procs", "grids", "strategies", "batch",
                          "engine", "overrides", "collective", "placement", "overlap"});
  SweepSpec spec;
  spec.file = path;
  for (const auto& w : strings(top, "workloads")) {
    try {
      spec.workloads.push_back(resolve(w, "workloads"));
    } catch (const InputError& e) {
      top.fail("workloads", e.what());
    }
  }
  for (const auto& p : strings(top, "platforms")) {
    try {
      spec.platforms.push_back(resolve(p, "platforms"));
    } catch (const InputError& e) {
      top.fail("platforms", e.what());
    }
  }
  spec.procs = positive_ints(top, "procs");
  if (top.has("grids")) {
    const YAML::Node grids = top.node("grids");
    if (grids.IsScalar() && grids.Scalar() == "all") {
      spec.all_grids = true;
    } else {
      spec.all_grids = false;
      for (const auto& g : strings(top, "grids")) {
        const auto grid = parse_grid(g);
        if (!grid) top.fail("grids", fmt::format("expected 'all' or grids PRxPC, found '{}'", g));
        spec.grids.push_back(*grid);
      }
    }
  }
  for (const auto& s : strings(top, "strategies")) {
    if (s == "optimized") {
      spec.strategies.push_back({true, Strategy::plan});
      continue;
    }
    const auto strategy = strategy_from_string(s);
    if (!strategy) {
      top.fail("strategies", fmt::format("unknown strategy '{}'; expected batch, model, "
                                         "integrated, domain, hybrid or optimized",
                                         s));
    }
    spec.strategies.push_back({false, *strategy});
  }
  if (top.has("batch")) spec.batches = positive_ints(top, "batch");
  spec.engines = top.has("engine") ? strings(top, "engine") : std::vector<std::string>{"analytic"};
  for (const auto& e : spec.engines) {
    if (e != "analytic" && e != "simgrid") {
      top.fail("engine", fmt::format("expected analytic or simgrid, found '{}'", e));
    }
  }
  if (top.has("overrides")) {
    const YamlMap o(top.node("overrides"), path, "overrides");
    o.require_known_keys({"bandwidth_scale", "latency_scale", "flops_scale"});
    if (o.has("bandwidth_scale")) spec.bandwidth_scales = positive_numbers(o, "bandwidth_scale");
    if (o.has("latency_scale")) spec.latency_scales = positive_numbers(o, "latency_scale");
    if (o.has("flops_scale")) spec.flops_scales = positive_numbers(o, "flops_scale");
  }
  if (top.has("collective")) spec.collective = top.string("collective");
  if (top.has("placement")) spec.placement = top.string("placement");
  if (top.has("overlap")) spec.overlap = top.boolean("overlap");
  return spec;
}

std::vector<SweepConfig> expand(const SweepSpec& spec) {
  std::vector<SweepConfig> out;
  const std::vector<std::int64_t> batches =
      spec.batches.empty() ? std::vector<std::int64_t>{0} : spec.batches;
  SweepConfig c;
  for (c.workload = 0; c.workload < spec.workloads.size(); ++c.workload) {
    for (c.platform = 0; c.platform < spec.platforms.size(); ++c.platform) {
      for (const std::int64_t batch : batches) {
        c.batch = batch;
        for (const std::int64_t procs : spec.procs) {
          c.procs = procs;
          for (const SweepStrategy& s : spec.strategies) {
            c.strategy = s;
            std::vector<ProcessGrid> grids;
            if (s.optimized || s.strategy == Strategy::batch) {
              grids.push_back({1, procs});
            } else if (s.strategy == Strategy::model) {
              grids.push_back({procs, 1});
            } else if (spec.all_grids) {
              grids = factorizations(procs);
            } else {
              for (const ProcessGrid& g : spec.grids) {
                if (g.procs() == procs) grids.push_back(g);
              }
            }
            for (const ProcessGrid& g : grids) {
              c.grid = g;
              for (const auto& engine : spec.engines) {
                c.engine = engine;
                for (const double bw : spec.bandwidth_scales) {
                  c.bandwidth_scale = bw;
                  for (const double lat : spec.latency_scales) {
                    c.latency_scale = lat;
                    for (const double fl : spec.flops_scales) {
                      c.flops_scale = fl;
                      c.index = out.size();
                      out.push_back(c);
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
  return out;
}

}  // namespace dnnsim
