#include "sim/kernels/calibration.hpp"

#include <algorithm>
#include <vector>

#include "sim/kernels/local/gemm_shapes.hpp"
#include "sim/kernels/local/seeded.hpp"

namespace dnnsim::kernels {
namespace {

constexpr double kShapeSeconds = 0.05;  // time each GEMM shape at least this long
constexpr double kPointSeconds = 0.02;  // and each ping-pong size

std::vector<float> seeded_matrix(std::size_t size, std::uint64_t stream) {
  std::vector<float> v(size);
  for (std::size_t i = 0; i < size; ++i) v[i] = seeded_value(7, stream, i);
  return v;
}

// Seconds per call, all ranks running the same shape at once.
double time_gemm(const GemmShape& s, MPI_Comm world) {
  const std::vector<float> a = seeded_matrix(static_cast<std::size_t>(s.m * s.k), 1);
  const std::vector<float> b = seeded_matrix(static_cast<std::size_t>(s.k * s.n), 2);
  std::vector<float> c(static_cast<std::size_t>(s.m * s.n));
  gemm(s.ta, s.tb, s.m, s.n, s.k, 1.0F, a.data(), b.data(), 0.0F, c.data());  // warm-up
  MPI_Barrier(world);
  int calls = 0;
  const double start = MPI_Wtime();
  double elapsed = 0.0;
  while (calls < 3 || elapsed < kShapeSeconds) {
    gemm(s.ta, s.tb, s.m, s.n, s.k, 1.0F, a.data(), b.data(), 0.0F, c.data());
    ++calls;
    elapsed = MPI_Wtime() - start;
  }
  return elapsed / calls;
}

// One-way time of a message of `bytes` between ranks 0 and 1: half the best round trip
// of a few batches (the others wait).
double time_pingpong(std::size_t bytes, int me, MPI_Comm world) {
  std::vector<char> buffer(std::max<std::size_t>(bytes, 1));
  const int count = static_cast<int>(bytes);
  double best = 1e30;
  double spent = 0.0;
  int rounds = 0;
  // Rank 0 decides when to stop and tells rank 1 through the message tag.
  while (true) {
    int go = 0;
    if (me == 0) go = rounds < 5 || spent < kPointSeconds ? 1 : 0;
    if (me <= 1) {
      if (me == 0) {
        MPI_Send(&go, 1, MPI_INT, 1, 1, world);
      } else {
        MPI_Recv(&go, 1, MPI_INT, 0, 1, world, MPI_STATUS_IGNORE);
      }
    }
    if (go == 0 || me > 1) break;
    const double start = MPI_Wtime();
    constexpr int kTrips = 10;
    for (int t = 0; t < kTrips; ++t) {
      if (me == 0) {
        MPI_Send(buffer.data(), count, MPI_CHAR, 1, 0, world);
        MPI_Recv(buffer.data(), count, MPI_CHAR, 1, 0, world, MPI_STATUS_IGNORE);
      } else {
        MPI_Recv(buffer.data(), count, MPI_CHAR, 0, 0, world, MPI_STATUS_IGNORE);
        MPI_Send(buffer.data(), count, MPI_CHAR, 0, 0, world);
      }
    }
    const double trip = (MPI_Wtime() - start) / kTrips;
    best = std::min(best, trip / 2.0);
    spent += trip * kTrips;
    ++rounds;
  }
  return best;
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

  // Ping-pong: latency from the smallest message, bandwidth from a least-squares line
  // through the large ones (t = alpha + n / bandwidth).
  auto points = nlohmann::ordered_json::array();
  std::vector<std::pair<double, double>> large;
  double latency = 0.0;
  for (std::size_t bytes = 8; bytes <= (std::size_t{1} << 24); bytes *= 4) {
    const double t = time_pingpong(bytes, me, world);
    if (bytes == 8) latency = t;
    if (bytes >= (std::size_t{1} << 16)) large.emplace_back(static_cast<double>(bytes), t);
    points.push_back({{"bytes", bytes}, {"one_way_s", t}});
  }
  double sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0;
  for (const auto& [x, y] : large) {
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const double npts = static_cast<double>(large.size());
  const double slope = (npts * sxy - sx * sy) / (npts * sxx - sx * sx);
  out["pingpong"] = {
      {"latency_s", latency}, {"bandwidth_bytes_per_s", 1.0 / slope}, {"points", points}};
  MPI_Barrier(world);
  return out;
}

}  // namespace dnnsim::kernels
