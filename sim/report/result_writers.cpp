#include "sim/report/result_writers.hpp"

#include <cmath>
#include <ostream>

#include <fmt/format.h>
#include <fmt/ostream.h>

namespace dnnsim {
namespace {

const char* kLayerCsvHeader =
    "engine,workload,platform,batch,procs,pr,pc,strategy,layer,type,layer_strategy,compute_s,"
    "comm_s,forward_s,backward_s,gradient_s,halo_s,redistribute_s,comm_bytes\n";

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

// Shortest text that reads back as the same double.
std::string number(double x) {
  return fmt::format("{}", x);
}

// Table cells: a dash for nothing, so the phases that do happen stand out.
std::string cell(double seconds) {
  return seconds == 0.0 ? std::string("-") : human_seconds(seconds);
}

}  // namespace

std::string human_seconds(double seconds) {
  const double a = std::fabs(seconds);
  if (a == 0.0) return "0 s";
  if (a >= 1.0) return fmt::format("{:.4g} s", seconds);
  if (a >= 1e-3) return fmt::format("{:.4g} ms", seconds * 1e3);
  if (a >= 1e-6) return fmt::format("{:.4g} us", seconds * 1e6);
  return fmt::format("{:.4g} ns", seconds * 1e9);
}

std::string human_bytes(double bytes) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
  int u = 0;
  while (std::fabs(bytes) >= 1000.0 && u < 5) {
    bytes /= 1000.0;
    ++u;
  }
  return u == 0 ? fmt::format("{:.0f} B", bytes) : fmt::format("{:.3g} {}", bytes, units[u]);
}

nlohmann::ordered_json to_json(const Result& r, const Network& network) {
  nlohmann::ordered_json j;
  j["engine"] = r.engine;
  j["workload"] = r.workload;
  j["platform"] = r.platform;
  j["batch"] = r.batch;
  j["procs"] = r.procs;
  j["grid"] = {{"pr", r.grid.pr}, {"pc", r.grid.pc}};
  j["strategy"] = std::string(to_string(r.strategy));
  j["iteration_s"] = r.iteration_s;
  j["compute_s"] = r.compute_s;
  j["comm_s"] = r.comm_s;
  j["memory_bytes_per_proc"] = static_cast<std::int64_t>(std::ceil(r.memory_bytes_per_proc));
  j["memory_limit_bytes"] = r.memory_limit_bytes;
  j["exceeds_memory"] = r.exceeds_memory();
  if (r.spread) {
    j["first_rank_s"] = r.spread->first_rank_s;
    j["last_rank_s"] = r.spread->last_rank_s;
    j["first_rank"] = r.spread->first_rank;
    j["last_rank"] = r.spread->last_rank;
  }
  auto& layers = j["layers"] = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < r.layers.size(); ++i) {
    const LayerResult& l = r.layers[i];
    layers.push_back({{"name", network.layers[i].name},
                      {"type", std::string(to_string(network.layers[i].type))},
                      {"strategy", std::string(to_string(l.kind))},
                      {"compute_s", l.compute_s},
                      {"comm_s", l.comm_s()},
                      {"forward_s", l.forward_s},
                      {"backward_s", l.backward_s},
                      {"gradient_s", l.gradient_s},
                      {"halo_s", l.halo_s},
                      {"redistribute_s", l.redistribute_s},
                      {"comm_bytes", l.comm_bytes}});
  }
  return j;
}

void write_csv(std::ostream& out, const Result& r, const Network& network) {
  out << kLayerCsvHeader;
  const std::string prefix =
      fmt::format("{},{},{},{},{},{},{},{}", r.engine, csv_field(r.workload), csv_field(r.platform),
                  r.batch, r.procs, r.grid.pr, r.grid.pc, to_string(r.strategy));
  for (std::size_t i = 0; i < r.layers.size(); ++i) {
    const LayerResult& l = r.layers[i];
    fmt::print(out, "{},{},{},{},{},{},{},{},{},{},{},{}\n", prefix,
               csv_field(network.layers[i].name), to_string(network.layers[i].type),
               to_string(l.kind), number(l.compute_s), number(l.comm_s()), number(l.forward_s),
               number(l.backward_s), number(l.gradient_s), number(l.halo_s),
               number(l.redistribute_s), number(l.comm_bytes));
  }
}

void write_table(std::ostream& out, const Result& r, const Network& network) {
  fmt::print(out, "{} on {}: P = {} as a {} grid ({}), batch {}, engine {}\n\n", r.workload,
             r.platform, r.procs, r.grid.to_string(), to_string(r.strategy), r.batch, r.engine);
  fmt::print(out, "{:<18} {:<16} {:<10} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11}\n",
             "layer", "type", "kind", "compute", "comm", "forward", "backward", "gradient", "halo",
             "redistrib");
  for (std::size_t i = 0; i < r.layers.size(); ++i) {
    const LayerResult& l = r.layers[i];
    if (l.compute_s == 0.0 && l.comm_s() == 0.0) continue;  // parameter-free, silent layers
    fmt::print(out, "{:<18} {:<16} {:<10} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11}\n",
               network.layers[i].name, to_string(network.layers[i].type), to_string(l.kind),
               cell(l.compute_s), cell(l.comm_s()), cell(l.forward_s), cell(l.backward_s),
               cell(l.gradient_s), cell(l.halo_s), cell(l.redistribute_s));
  }
  fmt::print(out, "\niteration {}  =  compute {}  +  communication {}\n",
             human_seconds(r.iteration_s), human_seconds(r.compute_s), human_seconds(r.comm_s));
  if (r.spread) {
    fmt::print(out, "ranks finish between {} (rank {}) and {} (rank {})\n",
               human_seconds(r.spread->first_rank_s), r.spread->first_rank,
               human_seconds(r.spread->last_rank_s), r.spread->last_rank);
  }
  fmt::print(out, "memory per process {} of {}{}\n", human_bytes(r.memory_bytes_per_proc),
             human_bytes(r.memory_limit_bytes),
             r.exceeds_memory() ? "  (EXCEEDS the device memory)" : "");
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
                 r->grid.pc, to_string(r->strategy), number(r->iteration_s), number(r->compute_s),
                 number(r->comm_s), std::ceil(r->memory_bytes_per_proc), r->exceeds_memory(),
                 best && *best == i);
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
