#include "sim/report/result_writers.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <ostream>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "sim/report/csv.hpp"
#include "sim/result/result_json.hpp"
#include "sim/workload/transformer_form.hpp"

namespace dnnsim {
namespace {

const char* kLayerCsvHeader =
    "engine,workload,platform,batch,procs,pr,pc,strategy,layer,type,layer_strategy,compute_s,"
    "comm_s,forward_s,backward_s,gradient_s,halo_s,redistribute_s,comm_bytes,layer_pr,layer_pc\n";

// Table cells: a dash for nothing, so the phases that do happen stand out.
std::string cell(double seconds) {
  return seconds == 0.0 ? std::string("-") : human_seconds(seconds);
}

// The iteration line tells what is true of the run: a plain sum without overlap; with the
// SimGrid engine's overlap the communication not hidden behind compute, and any time the
// ranks spent waiting for each other.
void write_summary(std::ostream& out, const Result& r) {
  const double sum = r.compute_s + r.comm_s;
  const double tolerance = 1e-9 * std::max(sum, r.iteration_s);
  const double exposed = r.iteration_s - r.compute_s;
  if (std::fabs(r.iteration_s - sum) <= tolerance) {
    fmt::print(out, "\niteration {}  =  compute {}  +  communication {}\n",
               human_seconds(r.iteration_s), human_seconds(r.compute_s), human_seconds(r.comm_s));
  } else if (r.iteration_s < sum && exposed >= 0.0) {
    fmt::print(out,
               "\niteration {}  =  compute {}  +  exposed communication {}  (communication {}, "
               "{} of it overlapped with compute)\n",
               human_seconds(r.iteration_s), human_seconds(r.compute_s), human_seconds(exposed),
               human_seconds(r.comm_s), human_seconds(sum - r.iteration_s));
  } else if (r.iteration_s < sum) {
    fmt::print(out, "\niteration {}: compute {} and communication {} overlap\n",
               human_seconds(r.iteration_s), human_seconds(r.compute_s), human_seconds(r.comm_s));
  } else {
    fmt::print(out, "\niteration {}  =  compute {}  +  communication {}  +  waiting {}\n",
               human_seconds(r.iteration_s), human_seconds(r.compute_s), human_seconds(r.comm_s),
               human_seconds(r.iteration_s - sum));
  }
  if (!r.spread) return;
  const RankSpread& s = *r.spread;
  if (r.procs == 1) {
    fmt::print(out, "the rank finishes at {}\n", human_seconds(s.last_rank_s));
  } else if (s.last_rank_s - s.first_rank_s <= 1e-12 * s.last_rank_s) {
    fmt::print(out, "all {} ranks finish at {}\n", r.procs, human_seconds(s.last_rank_s));
  } else {
    fmt::print(out, "ranks finish between {} (rank {}, first) and {} (rank {}, last)\n",
               human_seconds(s.first_rank_s), s.first_rank, human_seconds(s.last_rank_s),
               s.last_rank);
  }
}

/// One row of the per-layer table: a layer, or the same layer of every transformer block.
struct TableRow {
  std::string label;
  std::string type;
  std::string kind;
  LayerResult sum;
  int blocks = 1;
};

/// `block<i>.<rest>` -> `<rest>`, the layer's name within its block; none for other names.
std::optional<std::string_view> block_suffix(std::string_view name) {
  const auto split = split_block_name(name);
  return split ? std::optional<std::string_view>(split->rest) : std::nullopt;
}

/// The layers in order, those of a model's blocks (`block7.attn.qkv`, as the transformer
/// form names them) folded into one row per name within a block, so that a 96-block model
/// prints a dozen rows instead of a thousand.
std::vector<TableRow> table_rows(const Result& r, const Network& network) {
  std::vector<TableRow> rows;
  std::map<std::string, std::size_t, std::less<>> folded;
  for (std::size_t i = 0; i < r.layers.size(); ++i) {
    const Layer& layer = network.layers[i];
    const LayerResult& l = r.layers[i];
    const auto suffix = block_suffix(layer.name);
    const std::string kind(to_string(l.kind));
    if (suffix) {
      if (const auto it = folded.find(*suffix); it != folded.end()) {
        TableRow& row = rows[it->second];
        LayerResult& sum = row.sum;
        sum.compute_s += l.compute_s;
        sum.forward_s += l.forward_s;
        sum.backward_s += l.backward_s;
        sum.gradient_s += l.gradient_s;
        sum.halo_s += l.halo_s;
        sum.redistribute_s += l.redistribute_s;
        if (row.kind != kind) row.kind = "mixed";
        ++row.blocks;
        continue;
      }
      folded.emplace(std::string(*suffix), rows.size());
    }
    rows.push_back({suffix ? fmt::format("block*.{}", *suffix) : layer.name,
                    std::string(to_string(layer.type)), kind, l, 1});
  }
  return rows;
}

}  // namespace

void write_csv(std::ostream& out, const Result& r, const Network& network) {
  out << kLayerCsvHeader;
  const std::string prefix =
      fmt::format("{},{},{},{},{},{},{},{}", r.engine, csv_field(r.workload), csv_field(r.platform),
                  r.batch, r.procs, r.grid.pr, r.grid.pc, to_string(r.strategy));
  for (std::size_t i = 0; i < r.layers.size(); ++i) {
    const LayerResult& l = r.layers[i];
    fmt::print(out, "{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", prefix,
               csv_field(network.layers[i].name), to_string(network.layers[i].type),
               to_string(l.kind), csv_number(l.compute_s), csv_number(l.comm_s()),
               csv_number(l.forward_s), csv_number(l.backward_s), csv_number(l.gradient_s),
               csv_number(l.halo_s), csv_number(l.redistribute_s), csv_number(l.comm_bytes),
               l.grid.pr, l.grid.pc);
  }
}

void write_table(std::ostream& out, const Result& r, const Network& network) {
  const std::string grid = r.pipeline ? fmt::format("{}x{}", r.grid.to_string(), r.pipeline->stages)
                                      : r.grid.to_string();
  fmt::print(out, "{} on {}: P = {} as a {} grid ({}{}), batch {}, engine {}\n", r.workload,
             r.platform, r.procs, grid, to_string(r.strategy),
             r.sequence_parallel ? ", sequence parallel" : "", r.batch, r.engine);
  if (r.pipeline) {
    const PipelineResult& p = *r.pipeline;
    const double b = static_cast<double>(r.batch) / static_cast<double>(r.grid.pc * p.microbatches);
    fmt::print(out, "pipeline: {} stage{}, {} microbatch{} of {:.4g} sample{} per replica, {}\n",
               p.stages, p.stages == 1 ? "" : "s", p.microbatches, p.microbatches == 1 ? "" : "es",
               b, b == 1.0 ? "" : "s", p.schedule);
  }
  fmt::print(out, "\n");
  const std::vector<TableRow> rows = table_rows(r, network);
  if (std::any_of(rows.begin(), rows.end(), [](const TableRow& row) { return row.blocks > 1; })) {
    fmt::print(out, "(a row block*.NAME adds up layer NAME of every block)\n\n");
  }
  fmt::print(out, "{:<18} {:<16} {:<10} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11}\n",
             "layer", "type", "kind", "compute", "comm", "forward", "backward", "gradient", "halo",
             "redistrib");
  for (const TableRow& row : rows) {
    const LayerResult& l = row.sum;
    if (l.compute_s == 0.0 && l.comm_s() == 0.0) continue;  // parameter-free, silent layers
    fmt::print(out, "{:<18} {:<16} {:<10} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11}\n",
               row.label, row.type, row.kind, cell(l.compute_s), cell(l.comm_s()),
               cell(l.forward_s), cell(l.backward_s), cell(l.gradient_s), cell(l.halo_s),
               cell(l.redistribute_s));
  }
  write_summary(out, r);
  if (r.model_flops > 0.0 && r.peak_flops_per_proc > 0.0) {
    fmt::print(out, "model FLOPs {:.4g} per iteration: {:.1f} % of the devices' peak (MFU)\n",
               r.model_flops, 100.0 * r.mfu());
  }
  if (r.pipeline && r.iteration_s > 0.0) {
    fmt::print(out, "pipeline bubble {} ({:.1f} % of the iteration)\n",
               human_seconds(r.pipeline->bubble_s), 100.0 * r.pipeline->bubble_s / r.iteration_s);
  }
  const MemoryUse& m = r.memory;
  const std::string parts =
      fmt::format("weights {}, gradients {}, optimizer {}, activations {}",
                  human_bytes(m.weights_bytes), human_bytes(m.gradients_bytes),
                  human_bytes(m.optimizer_bytes), human_bytes(m.activations_bytes));
  if (r.memory_limit_bytes) {
    fmt::print(out, "memory per process {} of {}{}: {}\n", human_bytes(r.memory_bytes_per_proc),
               human_bytes(*r.memory_limit_bytes),
               r.exceeds_memory() ? " (EXCEEDS the device memory)" : "", parts);
  } else {
    fmt::print(out, "memory per process {} (the platform states no memory): {}\n",
               human_bytes(r.memory_bytes_per_proc), parts);
  }
}

std::optional<std::size_t> best_row(const std::vector<GridRow>& rows) {
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!rows[i].result) continue;
    if (!best || rows[i].result->iteration_s < rows[*best].result->iteration_s) best = i;
  }
  return best;
}

nlohmann::ordered_json grid_table_json(const std::vector<GridRow>& rows, const Network& network) {
  const auto best = best_row(rows);
  nlohmann::ordered_json grids = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].result) {
      nlohmann::ordered_json j = to_json(*rows[i].result, network);
      j["best"] = best && *best == i;
      grids.push_back(std::move(j));
    } else {
      grids.push_back({{"grid", {{"pr", rows[i].grid.pr}, {"pc", rows[i].grid.pc}}},
                       {"error", rows[i].violation}});
    }
  }
  nlohmann::ordered_json j;
  if (best)
    j["best"] = {{"pr", rows[*best].grid.pr}, {"pc", rows[*best].grid.pc}};
  else
    j["best"] = nullptr;
  j["grids"] = std::move(grids);
  return j;
}

void write_grid_table_csv(std::ostream& out, const std::vector<GridRow>& rows) {
  const auto best = best_row(rows);
  out << "engine,workload,platform,batch,procs,pr,pc,strategy,iteration_s,compute_s,comm_s,"
         "memory_bytes_per_proc,exceeds_memory,best,error\n";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (const auto& r = rows[i].result) {
      fmt::print(out, "{},{},{},{},{},{},{},{},{},{},{},{},{},{},\n", r->engine,
                 csv_field(r->workload), csv_field(r->platform), r->batch, r->procs, r->grid.pr,
                 r->grid.pc, to_string(r->strategy), csv_number(r->iteration_s),
                 csv_number(r->compute_s), csv_number(r->comm_s),
                 std::ceil(r->memory_bytes_per_proc), r->exceeds_memory(), best && *best == i);
    } else {
      fmt::print(out, ",,,,{},{},{},,,,,,,false,{}\n", rows[i].grid.procs(), rows[i].grid.pr,
                 rows[i].grid.pc, csv_field(rows[i].violation));
    }
  }
}

void write_grid_table(std::ostream& out, const std::vector<GridRow>& rows,
                      const std::string& title) {
  const auto best = best_row(rows);
  fmt::print(out, "{}\n\n", title);
  fmt::print(out, "  {:>11} {:>12} {:>12} {:>12} {:>10}\n", "grid PrxPc", "iteration", "compute",
             "comm", "memory");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::string grid = rows[i].grid.to_string();
    if (const auto& r = rows[i].result) {
      const bool is_best = best && *best == i;
      std::string note = is_best ? "<- best" : "";
      if (r->exceeds_memory()) note += (note.empty() ? "" : ", ") + std::string("exceeds memory");
      // No trailing blanks when there is no note.
      fmt::print(out, "{} {:>11} {:>12} {:>12} {:>12} {:>10}{}{}\n", is_best ? '*' : ' ', grid,
                 human_seconds(r->iteration_s), human_seconds(r->compute_s),
                 human_seconds(r->comm_s), human_bytes(r->memory_bytes_per_proc),
                 note.empty() ? "" : "  ", note);
    } else {
      fmt::print(out, "  {:>11}   not possible: {}\n", grid, rows[i].violation);
    }
  }
}

}  // namespace dnnsim
