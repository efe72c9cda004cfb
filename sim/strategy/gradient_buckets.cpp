#include "sim/strategy/gradient_buckets.hpp"

#include <tuple>

namespace dnnsim {
namespace {

struct Bucket {
  std::tuple<int, int, std::int64_t, std::int64_t, std::int64_t, std::int64_t> key;
  Collective collective;  ///< the bucket's payload so far
  std::size_t last = 0;   ///< the last layer that added to it
};

}  // namespace

void bucket_gradients(const Network& network, const Plan& plan, const std::vector<LayerExec>& execs,
                      std::vector<std::vector<Collective>>& per_layer) {
  if (plan.bucket_bytes <= 0.0) return;
  std::vector<Bucket> open;
  for (auto it = network.topo_order.rbegin(); it != network.topo_order.rend(); ++it) {
    const std::size_t i = *it;
    std::vector<Collective>& mine = per_layer[i];
    std::vector<Collective> kept;
    std::vector<Collective> full;
    for (const Collective& c : mine) {
      if (c.phase != Phase::gradient) {
        kept.push_back(c);
        continue;
      }
      const auto key =
          std::make_tuple(static_cast<int>(c.op), static_cast<int>(c.group), c.group_size,
                          execs[i].grid.pr, execs[i].grid.pc, plan.pipeline.stage_of(i));
      Bucket* b = nullptr;
      for (Bucket& o : open) {
        if (o.key == key) b = &o;
      }
      if (b == nullptr) {
        open.push_back({key, c, i});
        open.back().collective.bytes = 0.0;
        b = &open.back();
      }
      b->collective.bytes += c.bytes;
      b->last = i;
      if (b->collective.bytes >= plan.bucket_bytes) {
        full.push_back(b->collective);
        open.erase(open.begin() + (b - open.data()));
      }
    }
    kept.insert(kept.end(), full.begin(), full.end());
    mine = std::move(kept);
  }
  for (const Bucket& b : open) per_layer[b.last].push_back(b.collective);
}

}  // namespace dnnsim
