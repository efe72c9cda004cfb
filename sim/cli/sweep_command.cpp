// `dnnsim sweep SPEC.yaml --output FILE.csv`: every configuration of a study, one CSV row
// each (docs/sweeps.md). Analytic rows are computed in-process; SimGrid rows each run in a
// child process, `--jobs N` at once. Sharding splits the rows across machines.

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "sim/cli/commands.hpp"
#include "sim/cli/forwarded_signals.hpp"
#include "sim/cli/progress.hpp"
#include "sim/cli/sweep_plan.hpp"
#include "sim/common/error.hpp"
#include "sim/common/log.hpp"
#include "sim/common/text_file.hpp"
#include "sim/engine/isolated_run.hpp"
#include "sim/model/analytic_model.hpp"
#include "sim/optimizer/optimizer.hpp"
#include "sim/platform/platform_loader.hpp"
#include "sim/request/integer_option.hpp"
#include "sim/request/presets.hpp"
#include "sim/request/run_options.hpp"
#include "sim/sweep/shard.hpp"
#include "sim/sweep/sweep_rows.hpp"
#include "sim/sweep/sweep_spec.hpp"
#include "sim/taskgraph/task_graph.hpp"
#include "sim/workload/network_loader.hpp"

namespace dnnsim::cli {
namespace {

struct SweepOptions {
  std::string spec;
  std::string output;
  int jobs = 1;
  std::string shard;
  bool no_progress = false;
};

/// Everything the rows share, loaded once.
struct Study {
  SweepSpec spec;
  std::vector<Network> networks;
  std::vector<Platform> platforms;
  ReplayOptions replay;
};

Platform scaled(const Platform& base, const SweepConfig& c) {
  Platform p = base;
  p.network.bandwidth_bytes_per_s *= c.bandwidth_scale;
  p.network.latency_s *= c.latency_scale;
  p.node.flops *= c.flops_scale;
  p.network.hierarchical.bandwidth_bytes_per_s *= c.intra_bandwidth_scale;
  return p;
}

RowNames names_of(const Study& s, const SweepConfig& c) {
  return {s.networks[c.workload].name, s.platforms[c.platform].name};
}

std::string result_row(const Study& s, const SweepConfig& c, std::int64_t batch, const Result& r) {
  return sweep_result_row(c, names_of(s, c), batch, r);
}

std::string error_row(const Study& s, const SweepConfig& c, std::int64_t batch,
                      const std::string& error) {
  return sweep_error_row(c, names_of(s, c), batch, error);
}

/// Why the study's collective algorithm cannot run this configuration (`recursive` on a
/// group of 6), if so: that is the row's error, like a limit, not the whole sweep's.
std::optional<std::string> unfit_collective(const Network& net, const Platform& platform,
                                            const Plan& plan, std::int64_t batch,
                                            Algorithm algorithm) {
  try {
    require_schedules(TaskGraphCompiler(net, plan, batch, platform).compile_rank(0), algorithm);
  } catch (const InputError& e) {
    return e.detail();
  }
  return std::nullopt;
}

/// Why a row cannot run on its platform, if so: an intra-node axis on a platform without
/// nodes of several accelerators would change nothing, silently.
std::optional<std::string> unfit_intra_axis(const Platform& platform, const SweepConfig& c) {
  if (c.intra_bandwidth_scale == 1.0 || platform.network.topology == Topology::hierarchical) {
    return std::nullopt;
  }
  return fmt::format(
      "intra_bandwidth_scale scales the network inside the nodes of a "
      "hierarchical platform; {} is a {}",
      platform.name, to_string(platform.network.topology));
}

/// Why a row cannot run on a SimGrid XML platform, if so: the analytic engine needs the
/// alpha, beta and flops such a file does not state, and the what-if scales have no numbers
/// of the file to scale.
std::optional<std::string> unfit_xml_platform(const Platform& platform, const SweepConfig& c) {
  if (platform.simgrid_xml.empty()) return std::nullopt;
  if (c.engine != "simgrid") {
    return "a SimGrid XML platform has no alpha, beta or flops for the analytic engine; "
           "use engine simgrid";
  }
  if (c.bandwidth_scale != 1.0 || c.latency_scale != 1.0 || c.flops_scale != 1.0 ||
      c.intra_bandwidth_scale != 1.0) {
    return "what-if scales apply to YAML platforms; a SimGrid XML platform is replayed as it is";
  }
  return std::nullopt;
}

/// The shard this process runs: --shard K/N, else the launcher's environment.
Shard shard_of(const std::string& option) {
  if (!option.empty()) {
    const auto s = parse_shard(option);
    if (!s)
      throw InputError("", std::nullopt, "--shard",
                       fmt::format("expected K/N with 0 <= K < N, got '{}'", option));
    return {s->first, s->second};
  }
  return shard_from_environment([](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
  });
}

/// What makes this study this study: the sweep file and every input it reads.
std::string fingerprint_of(const std::string& spec_file, const SweepSpec& spec) {
  std::vector<std::string> texts{read_input_file(spec_file, "sweep")};
  for (const auto& w : spec.workloads) texts.push_back(read_input_file(w, "workload"));
  for (const auto& p : spec.platforms) {
    texts.push_back(read_input_file(p, p.ends_with(".xml") ? "SimGrid platform" : "platform"));
  }
  return study_fingerprint(texts);
}

}  // namespace

void add_sweep_command(CLI::App& app) {
  auto o = std::make_shared<SweepOptions>();
  CLI::App* cmd = app.add_subcommand("sweep", "Run every configuration of a study into one CSV");
  cmd->add_option("spec", o->spec, "Sweep specification (YAML, docs/sweeps.md)")->required();
  cmd->add_option("--output,-o", o->output, "The CSV to write")->required();
  add_integer_option(*cmd, "--jobs,-j", o->jobs, "SimGrid simulations running at once", 1, 4096)
      ->default_str("1");
  cmd->add_option("--shard", o->shard,
                  "K/N: run the K-th of N shards (default: from mpirun or Slurm, else 0/1)");
  cmd->add_flag("--no-progress", o->no_progress,
                "No progress on stderr (a bar on a terminal, else a line every 5 s)");
  cmd->callback([o] {
    require_writable_output(o->output, "--output");
    Study study;
    study.spec = load_sweep_spec(o->spec, resolve_preset);
    for (const auto& w : study.spec.workloads) study.networks.push_back(load_network(w));
    for (const auto& p : study.spec.platforms) {
      study.platforms.push_back(p.ends_with(".xml") ? load_simgrid_xml_platform(p)
                                                    : load_platform(p));
    }
    const auto algorithm = algorithm_from_string(study.spec.collective);
    if (!algorithm) {
      throw InputError(o->spec, std::nullopt, "collective",
                       fmt::format("unknown algorithm '{}'", study.spec.collective));
    }
    study.replay.algorithm = *algorithm;
    const auto placement = placement_from_string(study.spec.placement);
    if (!placement) {
      throw InputError(o->spec, std::nullopt, "placement", "expected column or row");
    }
    study.replay.placement = *placement;
    study.replay.overlap = study.spec.overlap;

    const Shard shard = shard_of(o->shard);
    const int shards = shard.count;
    const std::vector<SweepConfig> all = expand(study.spec);
    std::vector<SweepConfig> configs;
    for (const SweepConfig& c : all) {
      if (static_cast<int>(c.index % static_cast<std::size_t>(shards)) == shard.index)
        configs.push_back(c);
    }
    const std::string study_id = shards > 1 ? fingerprint_of(o->spec, study.spec) : "";

    // SIGINT, SIGTERM or SIGHUP stop the sweep where it stands: the children are killed
    // (ChildProcess's destructor), nothing is written.
    ForwardedSignals signals;
    const auto stop_if_interrupted = [&] {
      if (const int signal = signals.received(); signal != 0) {
        throw InputError(o->spec, std::nullopt, "",
                         fmt::format("sweep interrupted by {}; its simulations stopped, "
                                     "nothing written to {}",
                                     signal_name(signal), o->output));
      }
    };

    std::vector<std::string> rows(configs.size());
    Progress progress(configs.size(), "sweep", "rows", stderr_progress_style(o->no_progress));
    struct Running {
      std::size_t row;
      std::int64_t batch;
      ChildSimulation child;
    };
    std::list<Running> running;
    std::size_t next = 0;
    const auto batch_of = [&](const SweepConfig& c) {
      return c.batch > 0 ? c.batch : study.networks[c.workload].batch;
    };
    while (next < configs.size() || !running.empty()) {
      // Start work: analytic rows at once, SimGrid rows up to --jobs children.
      while (next < configs.size() && (configs[next].engine == "analytic" ||
                                       running.size() < static_cast<std::size_t>(o->jobs))) {
        stop_if_interrupted();
        const SweepConfig& c = configs[next];
        const Network& net = study.networks[c.workload];
        const Platform platform = scaled(study.platforms[c.platform], c);
        const std::int64_t batch = batch_of(c);
        const std::size_t row = next++;
        // A row the platform cannot run is an error row, like a limit, not the sweep's end.
        std::optional<std::string> unfit = unfit_xml_platform(platform, c);
        if (!unfit) unfit = unfit_intra_axis(platform, c);
        if (!unfit && c.procs > platform.hosts()) {
          unfit = fmt::format("P = {} exceeds the platform's {} hosts", c.procs, platform.hosts());
        }
        if (unfit) {
          rows[row] = error_row(study, c, batch, *unfit);
          progress.advance();
          continue;
        }
        try {
          const Plan plan = plan_for(net, platform, c, batch);
          if (c.engine == "analytic") {
            AnalyticModel model(net, platform);
            rows[row] = result_row(study, c, batch, model.run(plan, batch));
            progress.advance();
          } else if (const auto unfit =
                         unfit_collective(net, platform, plan, batch, study.replay.algorithm)) {
            rows[row] = error_row(study, c, batch, *unfit);
            progress.advance();
          } else {
            running.push_back(
                {row, batch, ChildSimulation(net, platform, plan, batch, study.replay)});
            logger("sweep")->debug("row {} ({} on {}, P = {}, grid {}): SimGrid started", c.index,
                                   net.name, platform.name, c.procs, plan.grid.to_string());
          }
        } catch (const LimitError& e) {
          rows[row] = error_row(study, c, batch, e.what());
          progress.advance();
        } catch (const InputError& e) {
          rows[row] = error_row(study, c, batch, e.what());  // choices that cannot run together
          progress.advance();
        }
      }
      if (running.empty()) continue;
      // Wait for a child to finish.
      std::vector<pollfd> fds;
      for (const Running& r : running) fds.push_back({r.child.fd(), POLLIN, 0});
      const int ready = ::poll(fds.data(), fds.size(), 250);
      stop_if_interrupted();  // before reading children a terminal's ^C may have killed too
      if (ready <= 0) {
        progress.draw();
        continue;
      }
      std::size_t k = 0;
      for (auto it = running.begin(); it != running.end(); ++k) {
        if (fds[k].revents == 0 || !it->child.read_some()) {
          ++it;
          continue;
        }
        const SweepConfig& c = configs[it->row];
        try {
          rows[it->row] = result_row(study, c, it->batch, it->child.finish());
        } catch (const LimitError& e) {
          rows[it->row] = error_row(study, c, it->batch, e.what());
        } catch (const InputError& e) {
          // What SimGrid refused on this row (a route a SimGrid XML platform lacks for these
          // ranks): the row's error, like a limit.
          rows[it->row] = error_row(study, c, it->batch, e.what());
        }
        it = running.erase(it);
        progress.advance();
      }
    }
    progress.done();

    if (shards == 1) {
      std::string text = std::string(sweep_csv_header()) + "\n";
      for (const auto& row : rows) text += row;
      write_atomically(o->output, text, "--output");
      return;
    }
    std::vector<std::pair<std::size_t, std::string>> indexed;
    for (std::size_t k = 0; k < configs.size(); ++k)
      indexed.emplace_back(configs[k].index, rows[k]);
    write_atomically(part_name(o->output, shard), part_text(shard, study_id, indexed), "--output");
    merge_parts_if_complete(o->output, shards, study_id, all.size(), sweep_csv_header());
  });
}

}  // namespace dnnsim::cli
