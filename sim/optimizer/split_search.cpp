#include "sim/optimizer/split_search.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <map>
#include <thread>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/common/units.hpp"
#include "sim/model/analytic_model.hpp"
#include "sim/strategy/pipeline_plan.hpp"
#include "sim/strategy/stage_cuts.hpp"
#include "sim/workload/transformer_form.hpp"

namespace dnnsim {
namespace {

bool has_blocks(const Network& network) {
  return std::any_of(network.layers.begin(), network.layers.end(),
                     [](const Layer& l) { return transformer_block(l.name).has_value(); });
}

bool has_attention(const Network& network) {
  return std::any_of(network.layers.begin(), network.layers.end(),
                     [](const Layer& l) { return l.type == LayerType::attention; });
}

std::vector<std::int64_t> divisors(std::int64_t n) {
  std::vector<std::int64_t> low;
  std::vector<std::int64_t> high;
  for (std::int64_t d = 1; d * d <= n; ++d) {
    if (n % d != 0) continue;
    low.push_back(d);
    if (d != n / d) high.push_back(n / d);
  }
  low.insert(low.end(), high.rbegin(), high.rend());
  return low;
}

/// Pieces per cut count, computed once (cutting a non-transformer network is a search).
class Cuts {
 public:
  explicit Cuts(const Network& network) : network_(network) {}
  /// The pieces of `parts` cuts, or nothing when the network cannot be cut so.
  const std::vector<std::int64_t>* pieces(std::int64_t parts, std::string* why = nullptr) {
    auto it = cache_.find(parts);
    if (it == cache_.end()) {
      Entry e;
      try {
        e.piece = cut_stages(network_, parts);
      } catch (const InputError& error) {
        e.why = error.what();
      }
      it = cache_.emplace(parts, std::move(e)).first;
    }
    if (why) *why = it->second.why;
    return it->second.why.empty() ? &it->second.piece : nullptr;
  }

 private:
  struct Entry {
    std::vector<std::int64_t> piece;
    std::string why;
  };
  const Network& network_;
  std::map<std::int64_t, Entry> cache_;
};

/// Transformer blocks in the network (0 without).
std::int64_t count_blocks(const Network& network) {
  std::int64_t count = 0;
  for (const Layer& l : network.layers) {
    if (const auto block = transformer_block(l.name)) count = std::max(count, *block + 1);
  }
  return count;
}

std::vector<Schedule> schedules_for(Cuts& cuts, std::int64_t stages, std::int64_t microbatches,
                                    std::int64_t blocks) {
  if (stages == 1) return {Schedule{}};  // one stage: 1F1B is gradient accumulation
  std::vector<Schedule> out{{ScheduleKind::gpipe, 1}, {ScheduleKind::one_f_one_b, 1}};
  if (microbatches % stages != 0) return out;  // interleaved needs m a multiple of Pp
  // docs/sweeps.md: V divides a transformer's blocks per stage; other networks try V up to
  // 8 while they can be cut so.
  if (blocks > 0) {
    if (blocks % stages != 0) return out;
    for (const std::int64_t v : divisors(blocks / stages)) {
      if (v >= 2) out.push_back({ScheduleKind::interleaved, v});
    }
    return out;
  }
  for (std::int64_t v = 2; v <= 8 && cuts.pieces(stages * v) != nullptr; ++v) {
    out.push_back({ScheduleKind::interleaved, v});
  }
  return out;
}

}  // namespace

std::vector<Strategy> distinct_strategies(ProcessGrid grid) {
  if (grid.pr == 1) return {Strategy::batch};
  std::vector<Strategy> out;
  if (grid.pc == 1) out.push_back(Strategy::model);
  if (grid.pc > 1) out.push_back(Strategy::integrated);
  out.push_back(Strategy::domain);
  out.push_back(Strategy::hybrid);
  out.push_back(Strategy::tensor);
  return out;
}

std::vector<Strategy> split_strategies(const Network& network, ProcessGrid grid) {
  if (grid.pr > 1 && has_blocks(network)) return {Strategy::tensor};
  return distinct_strategies(grid);
}

std::string describe(const Split& s) {
  std::string out = fmt::format("{} {}", to_string(s.strategy), s.grid.grid.to_string());
  if (s.grid.stages > 1) out += fmt::format("x{}", s.grid.stages);
  if (s.microbatches > 1) out += fmt::format(", {} microbatches", s.microbatches);
  if (s.grid.stages > 1 || s.schedule.kind != ScheduleKind::one_f_one_b) {
    out += ", " + to_string(s.schedule);
  }
  if (s.zero > 0) out += fmt::format(", ZeRO {}", s.zero);
  if (s.recompute != Recompute::none) out += fmt::format(", recompute {}", to_string(s.recompute));
  if (s.sequence_parallel) out += ", sequence parallel";
  return out;
}

void apply_split(const Network& network, const Split& split, double bucket_bytes, Plan& plan,
                 const std::vector<std::int64_t>* pieces) {
  if (split.grid.stages > 1 || split.microbatches > 1 ||
      split.schedule.kind == ScheduleKind::interleaved) {
    plan.pipeline =
        pieces ? PipelinePlan{split.grid.stages, split.microbatches, split.schedule, *pieces}
               : make_pipeline(network, split.grid.stages, split.microbatches, split.schedule);
    plan.procs *= split.grid.stages;
  }
  plan.zero = split.zero;
  plan.recompute = split.recompute;
  plan.bucket_bytes = bucket_bytes;
}

Plan split_plan(const Network& network, const Split& split, double bucket_bytes) {
  Plan plan = uniform_plan(network, split.strategy, split.grid.grid, split.sequence_parallel);
  apply_split(network, split, bucket_bytes, plan);
  return plan;
}

std::vector<Split> split_space(const Network& network, std::int64_t procs, std::int64_t batch,
                               const SplitAxes& axes) {
  const std::int64_t blocks = count_blocks(network);
  std::vector<Recompute> recomputes{Recompute::none};
  if (axes.recompute) {
    recomputes = {*axes.recompute};
  } else {
    if (has_attention(network)) recomputes.push_back(Recompute::selective);
    if (blocks > 0) recomputes.push_back(Recompute::full);
  }
  Cuts cuts(network);
  std::vector<Split> out;
  for (const std::int64_t stages : divisors(procs)) {
    if (axes.grid && axes.grid->stages != stages) continue;
    if (!axes.grid && stages > 1 && cuts.pieces(stages) == nullptr) continue;
    for (const ProcessGrid& grid : factorizations(procs / stages)) {
      if (axes.grid && !(axes.grid->grid == grid)) continue;
      const std::vector<std::int64_t> ms = axes.microbatches
                                               ? std::vector<std::int64_t>{*axes.microbatches}
                                           : batch % grid.pc == 0 ? divisors(batch / grid.pc)
                                                                  : std::vector<std::int64_t>{1};
      const std::vector<int> zeros = axes.zero     ? std::vector<int>{*axes.zero}
                                     : grid.pc > 1 ? std::vector<int>{0, 1, 2, 3}
                                                   : std::vector<int>{0};
      for (const Strategy strategy : split_strategies(network, grid)) {
        std::vector<bool> sps{false};
        if (axes.sequence_parallel) {
          sps = {*axes.sequence_parallel};
        } else if (strategy == Strategy::tensor && grid.pr > 1) {
          sps = {false, true};
        }
        for (const bool sp : sps) {
          for (const std::int64_t m : ms) {
            const std::vector<Schedule> schedules = axes.schedule
                                                        ? std::vector<Schedule>{*axes.schedule}
                                                        : schedules_for(cuts, stages, m, blocks);
            for (const Schedule& schedule : schedules) {
              for (const Recompute recompute : recomputes) {
                for (const int zero : zeros) {
                  out.push_back({strategy, {grid, stages}, m, schedule, zero, recompute, sp});
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

bool better(const SplitOutcome& a, const SplitOutcome& b) noexcept {
  if (a.fits != b.fits) return a.fits;
  if (a.limit.empty() != b.limit.empty()) return a.limit.empty();
  if (!a.fits) return a.memory_bytes < b.memory_bytes;  // the closer to fitting
  if (a.iteration_s != b.iteration_s) return a.iteration_s < b.iteration_s;
  return a.memory_bytes < b.memory_bytes;
}

namespace {

constexpr std::size_t kChunk = 256;  // configurations a thread takes at a time

/// Times chunks of `space` into `outcomes` until none is left (`next` hands them out),
/// counting them in `done`. One per thread: each has its own engine, cuts and plan.
void time_chunks(const Network& network, const Platform& platform, std::int64_t batch,
                 const SplitAxes& axes, const std::vector<Split>& space,
                 std::vector<SplitOutcome>& outcomes, std::atomic<std::size_t>& next,
                 std::atomic<std::size_t>& done, const std::function<void()>& report) {
  AnalyticModel model(network, platform);
  Cuts cuts(network);
  // The uniform plan of the latest (strategy, grid, sequence parallelism), reused.
  std::optional<Plan> base;
  std::string base_error;
  std::optional<Split> base_of;
  for (std::size_t begin = next.fetch_add(kChunk); begin < space.size();
       begin = next.fetch_add(kChunk)) {
    for (std::size_t k = begin; k < std::min(begin + kChunk, space.size()); ++k) {
      const Split& s = space[k];
      SplitOutcome& o = outcomes[k];
      o.split = s;
      if (!base_of || base_of->strategy != s.strategy || !(base_of->grid.grid == s.grid.grid) ||
          base_of->sequence_parallel != s.sequence_parallel) {
        base_of = s;
        base.reset();
        base_error.clear();
        try {
          base = uniform_plan(network, s.strategy, s.grid.grid, s.sequence_parallel);
        } catch (const InputError& e) {
          base_error = e.what();
        }
      }
      const std::string problem = schedule_problem(s.schedule, s.grid.stages, s.microbatches);
      std::string why;
      const std::vector<std::int64_t>* piece =
          base && problem.empty() ? cuts.pieces(s.grid.stages * s.schedule.chunks, &why) : nullptr;
      if (!base) {
        o.limit = base_error;
      } else if (!problem.empty()) {
        o.limit = problem;
      } else if (piece == nullptr) {
        o.limit = why;
      } else {
        Plan& plan = *base;  // reused: back to one stage, then this split
        plan.procs = s.grid.grid.procs();
        plan.pipeline = PipelinePlan{};
        apply_split(network, s, axes.bucket_bytes, plan, piece);
        const Evaluation e = model.evaluate(plan, batch);
        if (e.violation) {
          o.limit =
              fmt::format("{}: {}", network.layers[e.violation->layer].name, e.violation->limit);
        } else {
          const Result& r = e.result;
          o.iteration_s = r.iteration_s;
          o.compute_s = r.compute_s;
          o.comm_s = r.comm_s;
          o.bubble_s = r.pipeline ? r.pipeline->bubble_s : 0.0;
          o.memory_bytes = r.memory_bytes_per_proc;
          o.mfu = r.mfu();
          o.fits = !r.exceeds_memory();
        }
      }
    }
    done += std::min(kChunk, space.size() - begin);
    if (report) report();
  }
}

}  // namespace

SplitSearch search_splits(const Network& network, const Platform& platform, std::int64_t procs,
                          std::int64_t batch, const SplitAxes& axes,
                          const SplitProgress& progress) {
  const std::vector<Split> space = split_space(network, procs, batch, axes);
  SplitSearch out;
  out.outcomes.resize(space.size());
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  // Chunks of consecutive configurations (which share plans and schedules) go to one
  // thread per core; the calling thread is one of them and alone reports progress.
  const std::size_t threads = std::clamp<std::size_t>(
      std::min<std::size_t>(std::thread::hardware_concurrency(), space.size() / kChunk), 1, 8);
  std::vector<std::exception_ptr> errors(threads);
  std::vector<std::thread> workers;
  for (std::size_t t = 1; t < threads; ++t) {
    workers.emplace_back([&, t] {
      try {
        time_chunks(network, platform, batch, axes, space, out.outcomes, next, done, {});
      } catch (...) {
        errors[t] = std::current_exception();
        next = space.size();  // the others stop too
      }
    });
  }
  try {
    time_chunks(network, platform, batch, axes, space, out.outcomes, next, done, [&] {
      if (progress) progress(done.load(), space.size());
    });
  } catch (...) {
    errors[0] = std::current_exception();
    next = space.size();
  }
  for (std::thread& w : workers) w.join();
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  if (progress) progress(space.size(), space.size());
  for (std::size_t k = 0; k < out.outcomes.size(); ++k) {
    if (out.outcomes[k].fits && (!out.best || better(out.outcomes[k], out.outcomes[*out.best]))) {
      out.best = k;
    }
  }
  return out;
}

}  // namespace dnnsim
