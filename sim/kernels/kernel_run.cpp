#include "sim/kernels/kernel_run.hpp"

#include <algorithm>
#include <memory>
#include <numeric>

#include "sim/kernels/distributed_network.hpp"
#include "sim/kernels/local/kernel_support.hpp"
#include "sim/kernels/reference_check.hpp"
#include "sim/kernels/token_network.hpp"

namespace dnnsim::kernels {
namespace {

// docs/model.md counts n per group; with uneven shares groups differ, and the mean over the
// parallel groups is exactly the cost model's real division (B / Pc, W / Pr). Every process of
// a group counts the same n for an all-gather or all-reduce, so the mean over processes
// is the mean over groups. A halo's n is its busiest process's: the column's maximum.
template <typename Net>
void summarize_bytes(const Net& net, const Traffic& traffic, MPI_Comm world, KernelReport& report) {
  int me = 0;
  int procs = 0;
  MPI_Comm_rank(world, &me);
  MPI_Comm_size(world, &procs);
  const std::size_t layers = traffic.layers().size();
  std::vector<double> mine(layers * kAccounts);
  std::vector<double> busiest(layers);
  for (std::size_t i = 0; i < layers; ++i) {
    const auto& bytes = traffic.layers()[i].bytes;
    std::copy(bytes.begin(), bytes.end(),
              mine.begin() + static_cast<std::ptrdiff_t>(i * kAccounts));
    for (std::size_t a = 0; a + 1 < kAccounts; ++a) busiest[i] += bytes[a];
    double& halo = mine[i * kAccounts + static_cast<std::size_t>(Account::halo)];
    MPI_Allreduce(MPI_IN_PLACE, &halo, 1, MPI_DOUBLE, MPI_MAX, net.layers()[i].comms->column());
  }
  std::vector<double> sum(mine.size());
  std::vector<double> most(busiest.size());
  MPI_Reduce(mine.data(), sum.data(), static_cast<int>(mine.size()), MPI_DOUBLE, MPI_SUM, 0, world);
  MPI_Reduce(busiest.data(), most.data(), static_cast<int>(busiest.size()), MPI_DOUBLE, MPI_MAX, 0,
             world);
  if (me != 0) return;
  for (std::size_t i = 0; i < layers; ++i) {
    for (std::size_t a = 0; a < kAccounts; ++a) {
      report.layers[i].bytes[a] = sum[i * kAccounts + a] / procs;
    }
    report.layers[i].busiest_rank_bytes = most[i];
  }
}

template <typename Net>
void time_iterations(Net& net, Traffic& traffic, int iterations, MPI_Comm world,
                     KernelReport& report) {
  int me = 0;
  int procs = 0;
  MPI_Comm_rank(world, &me);
  MPI_Comm_size(world, &procs);
  const std::size_t layers = traffic.layers().size();
  const std::size_t stride = 1 + 2 * layers;
  std::vector<double> mine(static_cast<std::size_t>(iterations) * stride);
  for (int it = 0; it < iterations; ++it) {
    traffic.reset_times();
    MPI_Barrier(world);
    const double start = MPI_Wtime();
    net.forward();
    net.backward();
    double* row = mine.data() + static_cast<std::size_t>(it) * stride;
    row[0] = MPI_Wtime() - start;
    for (std::size_t i = 0; i < layers; ++i) {
      row[1 + 2 * i] = traffic.layers()[i].total_s;
      row[2 + 2 * i] = traffic.layers()[i].comm_s;
    }
  }
  std::vector<double> all(me == 0 ? mine.size() * static_cast<std::size_t>(procs) : 0);
  MPI_Gather(mine.data(), static_cast<int>(mine.size()), MPI_DOUBLE, all.data(),
             static_cast<int>(mine.size()), MPI_DOUBLE, 0, world);
  if (me != 0 || iterations == 0) return;

  // An iteration lasts as long as its slowest process; report the median iteration, split
  // as that process spent it (compute is everything outside the collectives).
  const auto at = [&](int rank, int it) {
    return all.data() + (static_cast<std::size_t>(rank) * static_cast<std::size_t>(iterations) +
                         static_cast<std::size_t>(it)) *
                            stride;
  };
  std::vector<std::pair<double, int>> slowest;  // (time, rank) per iteration
  for (int it = 0; it < iterations; ++it) {
    std::pair<double, int> worst{-1.0, 0};
    for (int k = 0; k < procs; ++k) worst = std::max(worst, {at(k, it)[0], k});
    slowest.push_back(worst);
  }
  std::vector<int> order(static_cast<std::size_t>(iterations));
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    return slowest[static_cast<std::size_t>(a)].first < slowest[static_cast<std::size_t>(b)].first;
  });
  const int median = order[order.size() / 2];
  const double* row = at(slowest[static_cast<std::size_t>(median)].second, median);
  report.iteration_s = row[0];
  report.comm_s = 0.0;
  for (std::size_t i = 0; i < layers; ++i) {
    report.layers[i].comm_s = row[2 + 2 * i];
    report.layers[i].compute_s = row[1 + 2 * i] - row[2 + 2 * i];
    report.comm_s += row[2 + 2 * i];
  }
  report.compute_s = report.iteration_s - report.comm_s;
}

// One network type: DistributedNetwork for chains of conv, linear and pooling layers,
// TokenNetwork for transformers.
template <typename Net>
KernelReport run_with(const KernelRequest& req, const KernelOptions& options, MPI_Comm world) {
  int me = 0;
  MPI_Comm_rank(world, &me);
  KernelReport report;
  report.workload = req.network.name;
  report.batch = req.batch;
  report.procs = req.plan.procs;
  report.grid = req.plan.grid;
  report.strategy = req.plan.strategy;
  report.sequence_parallel = req.plan.sequence_parallel;
  report.iterations = options.iterations;
  report.layers.resize(req.network.layers.size());

  Traffic traffic(req.network.layers.size());
  Collectives coll(traffic);
  Net net(req.network, req.plan, req.batch, static_cast<std::uint64_t>(options.seed), world, coll);
  for (std::size_t i = 0; i < report.layers.size(); ++i) {
    report.layers[i].kind = net.layers()[i].exec.kind;
  }

  // The checked iteration: bytes counted, every tensor compared with one process's run.
  traffic.set_counting(true);
  net.forward();
  net.backward();
  traffic.set_counting(false);
  {
    Traffic ref_traffic(req.network.layers.size());
    Collectives ref_coll(ref_traffic);
    std::unique_ptr<Net> reference;
    if (me == 0) {
      reference = std::make_unique<Net>(
          req.network, uniform_plan(req.network, Strategy::batch, {1, 1}), req.batch,
          static_cast<std::uint64_t>(options.seed), MPI_COMM_SELF, ref_coll);
      reference->forward();
      reference->backward();
    }
    const std::vector<double> errors = compare_with_reference(net, reference.get(), world);
    for (std::size_t i = 0; i < errors.size(); ++i) {
      report.layers[i].max_rel_error = errors[i];
      report.max_rel_error = std::max(report.max_rel_error, errors[i]);
    }
  }
  summarize_bytes(net, traffic, world, report);

  if (options.iterations > 0) {
    net.forward();  // warm-up
    net.backward();
    time_iterations(net, traffic, options.iterations, world, report);
  }
  return report;
}

}  // namespace

KernelReport run_kernels(const KernelRequest& req, const KernelOptions& options, MPI_Comm world) {
  return uses_token_kernels(req.network) ? run_with<TokenNetwork>(req, options, world)
                                         : run_with<DistributedNetwork>(req, options, world);
}

}  // namespace dnnsim::kernels
