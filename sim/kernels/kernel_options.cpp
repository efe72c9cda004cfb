#include "sim/kernels/kernel_options.hpp"

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/kernels/local/kernel_support.hpp"
#include "sim/kernels/local/row_layout.hpp"
#include "sim/kernels/local/token_layout.hpp"
#include "sim/request/integer_option.hpp"
#include "sim/request/presets.hpp"
#include "sim/strategy/layout.hpp"
#include "sim/strategy/limits.hpp"
#include "sim/strategy/process_grid.hpp"
#include "sim/workload/network_loader.hpp"

namespace dnnsim::kernels {

void add_kernel_options(CLI::App& app, KernelOptions& o) {
  add_plan_options(app, o.run);
  app.get_option("workload")->required(false);
  app.get_option("--format")->description("table | json");
  add_integer_option(app, "--iterations", o.iterations,
                     "Timed training iterations, after one warm-up", 0, 1'000'000)
      ->default_str("5");
  add_integer_option(app, "--seed", o.seed, "Seed of the random weights, inputs and loss gradient",
                     0)
      ->default_str("1");
  app.add_option("--tolerance", o.tolerance,
                 "Largest max_rel_error accepted against the single-process run")
      ->default_str("1e-4");
  app.add_flag("--calibrate", o.calibrate,
               "Measure the GEMM rate and the MPI ping-pong instead (for `dnnsim calibrate`)");
  app.add_option("--shapes-from", o.shapes_from,
                 "With --calibrate: workloads whose GEMM shapes are timed (default: mlp, "
                 "small-cnn)");
}

KernelRequest make_kernel_request(const KernelOptions& o, int world_size) {
  if (o.run.workload.empty()) {
    throw InputError("", std::nullopt, "workload", "name a workload (or pass --calibrate)");
  }
  KernelRequest req;
  const Format format = parse_format(o.run.format);
  if (format == Format::csv) {
    throw InputError("", std::nullopt, "--format", "the kernels print table or json");
  }
  req.json = format == Format::json;
  req.network = load_network(resolve_preset(o.run.workload, "workloads"));
  require_kernel_support(req.network);
  req.batch = o.run.batch.value_or(req.network.batch);
  if (req.batch <= 0) {
    throw InputError("", std::nullopt, "--batch",
                     fmt::format("expected a positive batch size, got {}", req.batch));
  }

  // P is the number of processes mpirun started; --procs, when given, must agree.
  RunOptions run = o.run;
  if (run.procs && *run.procs != world_size) {
    throw InputError(
        "", std::nullopt, "--procs",
        fmt::format("--procs is {}, but mpirun started {} processes", *run.procs, world_size));
  }
  if (const auto grid = parse_grid(run.grid); grid && grid->procs() != world_size) {
    throw InputError("", std::nullopt, "--grid",
                     fmt::format("grid {} has {} processes, but mpirun started {} (-np)", run.grid,
                                 grid->procs(), world_size));
  }
  run.procs = world_size;
  bool grid_all = false;
  std::vector<Plan> plans = make_plans(run, req.network, grid_all);
  if (grid_all) {
    throw InputError("", std::nullopt, "--grid", "the kernels run one grid; name it (e.g. 2x2)");
  }
  req.plan = std::move(plans.front());
  if (req.plan.procs != world_size) {
    throw InputError("", std::nullopt, o.run.plan_file.empty() ? "--grid" : "procs",
                     fmt::format("grid {} has {} processes, but mpirun started {} (-np)",
                                 req.plan.grid.to_string(), req.plan.procs, world_size));
  }
  if (req.plan.zero > 0 || req.plan.recompute != Recompute::none || req.plan.bucket_bytes > 0.0) {
    const char* key = req.plan.zero > 0                       ? "--zero"
                      : req.plan.recompute != Recompute::none ? "--recompute"
                                                              : "--bucket-bytes";
    throw InputError("", std::nullopt, key,
                     "the kernels keep whole model state, store every activation and reduce "
                     "gradients per layer: --zero, --recompute and --bucket-bytes are "
                     "simulated only");
  }
  if (req.plan.pipeline.active()) {
    throw InputError("", std::nullopt, req.plan.pipeline.stages > 1 ? "--grid" : "--microbatches",
                     "the kernels run one stage and one microbatch (a PRxPC grid)");
  }
  const std::vector<LayerExec> execs = resolve_layout(req.network, req.plan);
  if (uses_token_kernels(req.network)) {
    require_token_support(req.network, execs);
  } else {
    for (std::size_t i = 0; i < execs.size(); ++i) {
      if (execs[i].kind == Kind::column || execs[i].kind == Kind::row) {
        throw InputError("", std::nullopt, o.run.plan_file.empty() ? "--strategy" : "layers",
                         fmt::format("layer '{}' is {}: on a chain of conv, linear and pooling "
                                     "layers the kernels run batch, model, integrated and domain "
                                     "kinds; column and row run on transformers",
                                     req.network.layers[i].name, to_string(execs[i].kind)));
      }
    }
  }
  require_within_limits(req.network, execs, static_cast<double>(req.batch));
  if (!uses_token_kernels(req.network)) {
    (void)row_layouts(req.network, execs);  // halos from direct neighbours only
  }
  return req;
}

CalibrationRequest make_calibration_request(const KernelOptions& o, int world_size) {
  if (world_size < 2) {
    throw InputError("", std::nullopt, "--calibrate",
                     "the ping-pong needs two processes: mpirun -np 2 dnnsim-kernels --calibrate");
  }
  CalibrationRequest req;
  req.batch = o.run.batch.value_or(64);
  if (req.batch <= 0) {
    throw InputError("", std::nullopt, "--batch",
                     fmt::format("expected a positive batch size, got {}", req.batch));
  }
  const std::vector<std::string> names =
      o.shapes_from.empty() ? std::vector<std::string>{"mlp", "small-cnn"} : o.shapes_from;
  for (const std::string& name : names) {
    req.networks.push_back(load_network(resolve_preset(name, "workloads")));
  }
  return req;
}

}  // namespace dnnsim::kernels
