// Gradient buckets (docs/model.md, "Gradient buckets") worked out by hand on the tiny MLP:
// fc1 4 -> 8 (40 parameters, n = 160 B), fc2 8 -> 2 (18 parameters, n = 72 B), fp32, batch
// on a 1 x 4 grid. Platform: alpha = 1 us, beta = 1 ns per byte: an all-reduce of n bytes
// among 4 costs 2 * 2 us + 2 * 3/4 * n ns.

#include <doctest/doctest.h>

#include "helpers.hpp"
#include "sim/model/analytic_model.hpp"
#include "sim/strategy/gradient_buckets.hpp"

using namespace dnnsim;
using doctest::Approx;

namespace {

Result run(double bucket_bytes) {
  static const Network net = test::network_from(test::kTinyMlp);
  static const Platform platform = test::simple_platform();
  AnalyticModel model(net, platform);
  Plan plan = uniform_plan(net, Strategy::batch, {1, 4});
  plan.bucket_bytes = bucket_bytes;
  return model.run(plan, 16);
}

double allreduce_s(double n) {
  return 4e-6 + 1.5e-9 * n;
}

}  // namespace

TEST_CASE("without buckets each layer all-reduces its own gradient") {
  const Result r = run(0.0);
  CHECK(r.layers[0].gradient_s == Approx(allreduce_s(160)));
  CHECK(r.layers[2].gradient_s == Approx(allreduce_s(72)));
}

TEST_CASE("a bucket fills in backward order and is reduced by the layer that fills it") {
  // 100 B: fc2's 72 B do not fill it; fc1's 160 B do: one all-reduce of 232 B at fc1.
  const Result r = run(100.0);
  CHECK(r.layers[2].gradient_s == Approx(0.0));
  CHECK(r.layers[0].gradient_s == Approx(allreduce_s(232)));
  CHECK(r.layers[0].comm_bytes == Approx(232));
  // One latency saved: 2 * 2 us.
  CHECK(run(0.0).iteration_s - r.iteration_s == Approx(4e-6));
}

TEST_CASE("gradients larger than the bucket keep one collective each") {
  const Result r = run(50.0);
  CHECK(r.layers[2].gradient_s == Approx(allreduce_s(72)));
  CHECK(r.layers[0].gradient_s == Approx(allreduce_s(160)));
}

TEST_CASE("what is left in a bucket at the end goes with the last layer that added to it") {
  // 1 MB is never filled: both gradients in one all-reduce, at fc1 (the first layer).
  const Result r = run(1e6);
  CHECK(r.layers[0].gradient_s == Approx(allreduce_s(232)));
  CHECK(r.layers[2].gradient_s == Approx(0.0));
}
