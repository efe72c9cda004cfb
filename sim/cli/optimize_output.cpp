#include "sim/cli/optimize_output.hpp"

#include <sstream>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <nlohmann/json.hpp>

#include "sim/common/units.hpp"
#include "sim/report/result_writers.hpp"
#include "sim/result/result_json.hpp"

namespace dnnsim::cli {
namespace {

struct Counts {
  std::size_t fit = 0;
  std::size_t over = 0;
  std::size_t cannot = 0;
};

Counts count(const SplitSearch& s) {
  Counts c;
  for (const SplitOutcome& o : s.outcomes) {
    if (!o.limit.empty()) {
      ++c.cannot;
    } else if (o.fits) {
      ++c.fit;
    } else {
      ++c.over;
    }
  }
  return c;
}

nlohmann::ordered_json split_json(const Split& s) {
  return {{"strategy", std::string(to_string(s.strategy))},
          {"grid", {{"pr", s.grid.grid.pr}, {"pc", s.grid.grid.pc}, {"pp", s.grid.stages}}},
          {"microbatches", s.microbatches},
          {"schedule", to_string(s.schedule)},
          {"zero", s.zero},
          {"recompute", std::string(to_string(s.recompute))},
          {"sequence_parallel", s.sequence_parallel}};
}

nlohmann::ordered_json outcome_json(const SplitOutcome& o) {
  nlohmann::ordered_json j = split_json(o.split);
  if (!o.limit.empty()) {
    j["limit"] = o.limit;
    return j;
  }
  j["iteration_s"] = o.iteration_s;
  j["bubble_s"] = o.bubble_s;
  j["memory_bytes_per_proc"] = o.memory_bytes;
  j["mfu"] = o.mfu;
  j["fits"] = o.fits;
  return j;
}

}  // namespace

std::string render_table(const OptimizeReport& r) {
  std::ostringstream out;
  const Network& net = *r.network;
  const std::optional<double> limit = r.platform->node.memory_bytes;
  fmt::print(out, "{} on {}: P = {}, batch {} ({})\n", net.name, r.platform->name, r.procs, r.batch,
             r.engine);
  if (r.kinds && r.split_won) {
    // The per-layer plan lost: one line on it rather than its table.
    const Optimization& k = *r.kinds;
    fmt::print(out, "\nbest kind per layer (2-D grids, one stage): {} per iteration{}\n",
               human_seconds(k.result.iteration_s),
               r.kinds_fit ? std::string()
                           : fmt::format(", needs {} per process: does not fit",
                                         human_bytes(k.result.memory_bytes_per_proc)));
    if (r.uniform) {
      fmt::print(out, "best uniform:   {} : {}\n", label(*r.uniform),
                 human_seconds(r.uniform->iteration_s));
    }
  } else if (r.kinds) {
    const Optimization& k = *r.kinds;
    fmt::print(out, "\nbest kind per layer (2-D grids, one stage):\n");
    fmt::print(out, "{:<24} {:<12} {:>8} {:>12} {:>12}\n", "layer", "kind", "grid", "compute",
               "comm");
    for (std::size_t i = 0; i < net.layers.size(); ++i) {
      if (!takes_kind(net.layers[i].type)) continue;
      const LayerPlan& lp = k.plan.layers[i];
      const ProcessGrid g = grid_of(lp.kind, lp.grid, k.plan.stage_procs());
      const LayerResult& l = k.result.layers[i];
      fmt::print(out, "{:<24} {:<12} {:>8} {:>12} {:>12}\n", net.layers[i].name, to_string(lp.kind),
                 g.to_string(), human_seconds(l.compute_s), human_seconds(l.comm_s()));
    }
    fmt::print(out, "\noptimized plan: {} per iteration{}\n", human_seconds(r.result.iteration_s),
               r.kinds_fit ? ""
                           : fmt::format(" (needs {} per process: does not fit)",
                                         human_bytes(k.result.memory_bytes_per_proc)));
    if (r.uniform) {
      fmt::print(out, "best uniform:   {} : {} ({:.3g}x the optimized time)\n", label(*r.uniform),
                 human_seconds(r.uniform->iteration_s),
                 r.uniform->iteration_s / k.result.iteration_s);
    } else {
      fmt::print(out, "best uniform:   none fits the model's limits on these grids\n");
    }
    if (const auto same = same_as_uniform(net, k.plan); same && !k.uniform_won) {
      fmt::print(out, "(the per-layer search found, layer by layer, the kinds of strategy {})\n",
                 label(*same));
    }
    if (k.uniform_won) {
      fmt::print(out,
                 "(on this layer graph the per-layer search found nothing better than the best "
                 "uniform strategy)\n");
    }
  }
  if (r.splits) {
    const SplitSearch& s = *r.splits;
    const Counts c = count(s);
    fmt::print(out, "\nsplits searched: {} ({} fit{}, {} need more memory, {} cannot run)\n",
               s.outcomes.size(), c.fit,
               limit ? fmt::format(" in {}", human_bytes(*limit)) : std::string(), c.over,
               c.cannot);
    if (s.best) {
      const SplitOutcome& b = s.outcomes[*s.best];
      fmt::print(out, "best split:     {}\n", describe(b.split));
      fmt::print(out,
                 "                {} per iteration, bubble {} ({:.1f} %), {} per process, "
                 "MFU {:.1f} %\n",
                 human_seconds(b.iteration_s), human_seconds(b.bubble_s),
                 100.0 * b.bubble_s / b.iteration_s, human_bytes(b.memory_bytes), 100.0 * b.mfu);
      if (!r.runners_up.empty()) {
        fmt::print(out, "\nrunners-up, the best with another value of one choice:\n");
        fmt::print(out, "{:<18} {:>12} {:>10}  {:<}\n", "choice", "iteration", "memory",
                   "split, and why it loses");
        for (const RunnerUp& u : r.runners_up) {
          const SplitOutcome& o = s.outcomes[u.outcome];
          fmt::print(out, "{:<18} {:>12} {:>10}  {}\n{:<43}{}\n", to_string(u.axis),
                     o.limit.empty() ? human_seconds(o.iteration_s) : "-",
                     o.limit.empty() ? human_bytes(o.memory_bytes) : "-", describe(o.split), "",
                     why_loses(o, b, limit));
        }
      }
    } else {
      fmt::print(out, "best split:     none fits\n");
    }
  }
  for (const Retimed& t : r.retimed) {
    if (&t == &r.retimed.front()) fmt::print(out, "\nre-timed in SimGrid:\n");
    fmt::print(out, "  {:<70} analytic {:>10}  simgrid {:>10}\n", t.label,
               human_seconds(t.analytic_s), human_seconds(t.simulated_s));
  }
  fmt::print(out, "\nanswer: {} : {} per iteration ({}), {} per process{}\n",
             r.split_won ? describe(r.splits->outcomes[*r.splits->best].split)
                         : std::string("the per-layer plan above"),
             human_seconds(r.result.iteration_s), r.engine,
             human_bytes(r.result.memory_bytes_per_proc),
             r.result.exceeds_memory() ? " (does not fit)" : "");
  return out.str();
}

std::string render_json(const OptimizeReport& r) {
  const Network& net = *r.network;
  nlohmann::ordered_json j = to_json(r.result, net);
  nlohmann::ordered_json plan = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    if (!takes_kind(net.layers[i].type)) continue;
    const LayerPlan& lp = r.plan.layers[i];
    const ProcessGrid g = grid_of(lp.kind, lp.grid, r.plan.stage_procs());
    plan.push_back({{"layer", net.layers[i].name},
                    {"kind", std::string(to_string(lp.kind))},
                    {"grid", {{"pr", g.pr}, {"pc", g.pc}}}});
  }
  j["plan"] = plan;
  j["answer"] = r.split_won ? "split" : "per-layer kinds";
  if (r.kinds) {
    if (r.uniform) {
      j["best_uniform"] = {{"strategy", std::string(to_string(r.uniform->strategy))},
                           {"grid", {{"pr", r.uniform->grid.pr}, {"pc", r.uniform->grid.pc}}},
                           {"iteration_s", r.uniform->iteration_s}};
      j["speedup_over_uniform"] = r.uniform->iteration_s / r.kinds->result.iteration_s;
    } else {
      j["best_uniform"] = nullptr;
      j["speedup_over_uniform"] = nullptr;
    }
    j["uniform_won"] = r.kinds->uniform_won;
    const auto same = same_as_uniform(net, r.kinds->plan);
    j["same_as_uniform"] =
        same ? nlohmann::ordered_json(std::string(to_string(same->strategy))) : nullptr;
    j["per_layer_fits"] = r.kinds_fit;
  }
  if (r.splits) {
    const SplitSearch& s = *r.splits;
    const Counts c = count(s);
    j["searched"] = {{"splits", s.outcomes.size()},
                     {"fit", c.fit},
                     {"over_memory", c.over},
                     {"cannot_run", c.cannot}};
    j["best_split"] = s.best ? outcome_json(s.outcomes[*s.best]) : nullptr;
    nlohmann::ordered_json ups = nlohmann::ordered_json::array();
    for (const RunnerUp& u : r.runners_up) {
      nlohmann::ordered_json o = outcome_json(s.outcomes[u.outcome]);
      o["choice"] = std::string(to_string(u.axis));
      o["why"] =
          why_loses(s.outcomes[u.outcome], s.outcomes[*s.best], r.platform->node.memory_bytes);
      ups.push_back(std::move(o));
    }
    j["runners_up"] = ups;
  }
  if (!r.retimed.empty()) {
    nlohmann::ordered_json t = nlohmann::ordered_json::array();
    for (const Retimed& x : r.retimed) {
      t.push_back(
          {{"label", x.label}, {"analytic_s", x.analytic_s}, {"simulated_s", x.simulated_s}});
    }
    j["retimed"] = t;
  }
  return j.dump(2) + "\n";
}

}  // namespace dnnsim::cli
