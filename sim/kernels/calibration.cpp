#include "sim/kernels/calibration.hpp"

#include <algorithm>
#include <vector>

#include "sim/kernels/local/gemm_shapes.hpp"
#include "sim/kernels/local/seeded.hpp"

namespace dnnsim::kernels {
namespace {

constexpr double kShapeSeconds = 0.05;  // time each GEMM shape at least this long
constexpr double kPointSeconds = 0.02;  // and each ping-pong size
constexpr int kMinSamples = 5;

std::vector<float> seeded_matrix(std::size_t size, std::uint64_t stream) {
  std::vector<float> v(size);
  for (std::size_t i = 0; i < size; ++i) v[i] = seeded_value(7, stream, i);
  return v;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Seconds per call, all ranks running the same shape at once: the median call, so that
// a moment when another program takes the core does not count.
double time_gemm(const GemmShape& s, MPI_Comm world) {
  const std::vector<float> a = seeded_matrix(static_cast<std::size_t>(s.m * s.k), 1);
  const std::vector<float> b = seeded_matrix(static_cast<std::size_t>(s.k * s.n), 2);
  std::vector<float> c(static_cast<std::size_t>(s.m * s.n));
  gemm(s.ta, s.tb, s.m, s.n, s.k, 1.0F, a.data(), b.data(), 0.0F, c.data());  // warm-up
  MPI_Barrier(world);
  std::vector<double> calls;
  const double start = MPI_Wtime();
  while (static_cast<int>(calls.size()) < kMinSamples || MPI_Wtime() - start < kShapeSeconds) {
    const double t = MPI_Wtime();
    gemm(s.ta, s.tb, s.m, s.n, s.k, 1.0F, a.data(), b.data(), 0.0F, c.data());
    calls.push_back(MPI_Wtime() - t);
  }
  return median(calls);
}

// One-way time of a message of `bytes` between ranks 0 and 1: half the median round
// trip (the other ranks wait). Rank 0 decides how many trips and tells rank 1.
double time_pingpong(std::size_t bytes, int me, MPI_Comm world) {
  if (me > 1) return 0.0;
  std::vector<char> buffer(std::max<std::size_t>(bytes, 1), 1);
  const int count = static_cast<int>(bytes);
  std::vector<double> trips;
  const double start = MPI_Wtime();
  while (true) {
    int go = 0;
    if (me == 0) {
      go = static_cast<int>(trips.size()) < 4 * kMinSamples || MPI_Wtime() - start < kPointSeconds;
      MPI_Send(&go, 1, MPI_INT, 1, 1, world);
    } else {
      MPI_Recv(&go, 1, MPI_INT, 0, 1, world, MPI_STATUS_IGNORE);
    }
    if (go == 0) break;
    const double t = MPI_Wtime();
    if (me == 0) {
      MPI_Send(buffer.data(), count, MPI_CHAR, 1, 0, world);
      MPI_Recv(buffer.data(), count, MPI_CHAR, 1, 0, world, MPI_STATUS_IGNORE);
    } else {
      MPI_Recv(buffer.data(), count, MPI_CHAR, 0, 0, world, MPI_STATUS_IGNORE);
      MPI_Send(buffer.data(), count, MPI_CHAR, 0, 0, world);
    }
    trips.push_back((MPI_Wtime() - t) / 2.0);
  }
  return median(trips);
}

}  // namespace

nlohmann::ordered_json calibrate(const CalibrationRequest& req, MPI_Comm world) {
  int me = 0;
  int procs = 0;
  MPI_Comm_rank(world, &me);
  MPI_Comm_size(world, &procs);
  nlohmann::ordered_json out;

  // GEMM: FLOPs over time of one pass through every shape, as an iteration makes them.
  double flops = 0.0;
  double seconds = 0.0;
  auto shapes_json = nlohmann::ordered_json::array();
  for (const Network& network : req.networks) {
    for (const GemmShape& s : gemm_shapes(network, req.batch)) {
      double t = time_gemm(s, world);
      MPI_Allreduce(MPI_IN_PLACE, &t, 1, MPI_DOUBLE, MPI_SUM, world);
      t /= procs;  // mean over ranks
      flops += s.flops();
      seconds += t;
      shapes_json.push_back({{"workload", network.name},
                             {"file", network.file},
                             {"layer", s.layer},
                             {"pass", s.pass},
                             {"m", s.m},
                             {"n", s.n},
                             {"k", s.k},
                             {"seconds", t},
                             {"flops_per_s", s.flops() / t}});
    }
  }
  out["gemm"] = {{"ranks", procs},
                 {"batch", req.batch},
                 {"flops_per_s", flops / seconds},
                 {"shapes", shapes_json}};

  // Ping-pong from 8 B to 8 MiB. One alpha-beta line for all sizes (the model's
  // point-to-point cost): least squares on the relative error, so that small and large
  // messages weigh alike (shared memory switches protocol at some size, and no single line
  // meets both regimes exactly).
  auto points = nlohmann::ordered_json::array();
  double sw = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0;
  for (std::size_t bytes = 8; bytes <= (std::size_t{1} << 23); bytes *= 4) {
    MPI_Barrier(world);
    const double t = time_pingpong(bytes, me, world);
    const double x = static_cast<double>(bytes);
    const double w = t > 0.0 ? 1.0 / (t * t) : 0.0;
    sw += w;
    sx += w * x;
    sy += w * t;
    sxx += w * x * x;
    sxy += w * x * t;
    points.push_back({{"bytes", bytes}, {"one_way_s", t}});
  }
  const double slope = (sw * sxy - sx * sy) / (sw * sxx - sx * sx);
  const double latency = (sy - slope * sx) / sw;
  out["pingpong"] = {{"latency_s", latency},
                     {"bandwidth_bytes_per_s", 1.0 / slope},
                     {"fit", "least squares on relative error, 8 B to 8 MiB"},
                     {"points", points}};
  MPI_Barrier(world);
  return out;
}

}  // namespace dnnsim::kernels
