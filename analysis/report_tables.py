"""Report tables: the numbers of a study laid out as rows and cells, ready for HTML.

A `Table` is a caption, a header, rows of `Cell` (text, CSS classes, tooltip) and the
indices of its numeric columns. The builders read only the selection rules
(analysis/selection.py), so each table agrees with the figure beside it:

- `best_grid_table`: per P, the best grid with its speed-up over pure batch and pure model;
- `strategy_table`: per P, the fastest grid of every strategy, the fastest bold;
- `what_if_table`: per multiplier, the best configuration on each platform;
- `layer_totals_table`: per configuration of a per-layer CSV, the time of each phase;
- `rank_table`: per rank of a trace, busy time computing and communicating;
- `limits_table`: the configurations that break a limit, and which limit.
"""

from dataclasses import dataclass, field

from analysis.layer_csv import PHASES, LayerRow
from analysis.selection import (STRATEGY_ORDER, best_grid_table as best_grids, fastest,
                                fastest_per_strategy, what_if)
from analysis.sweep_csv import SweepRow
from analysis.trace_file import Trace
from analysis.units import format_bytes, format_scale, format_seconds


@dataclass
class Cell:
    text: str
    classes: tuple = ()
    tooltip: str = ""


@dataclass
class Table:
    caption: str
    header: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    numeric_columns: frozenset = frozenset()
    note: str = ""


def _speedup(value: float | None) -> Cell:
    return Cell(f"{value:.2f}×") if value is not None else Cell("–", ("muted",))


def _time_or_limit(row: SweepRow | None) -> Cell:
    """A configuration's iteration time, or why it is impossible (tooltip: the limit)."""
    if row is None:
        return Cell("not run", ("muted",))
    if not row.possible:
        return Cell("impossible", ("impossible",), row.error)
    if row.exceeds_memory:
        return Cell(f"{format_seconds(row.iteration_s)} (over memory)", ("impossible",))
    return Cell(format_seconds(row.iteration_s))


def best_grid_table(rows: list[SweepRow], strategy: str = "integrated") -> Table:
    table = Table(
        caption=f"Best {strategy} grid per P (least iteration time within memory), against "
                "the two pure strategies. Speed-up = their iteration time / the best grid's.",
        header=["P", "best grid", "iteration", "communication", "memory / process",
                "pure batch (1 × P)", "speed-up", "pure model (P × 1)", "speed-up"],
        numeric_columns=frozenset({0, 2, 3, 4, 5, 6, 7, 8}))
    for line in best_grids(rows, strategy):
        best = line.best
        table.rows.append([
            Cell(str(line.procs)), Cell(best.grid, ("best",)),
            Cell(format_seconds(best.iteration_s)), Cell(format_seconds(best.comm_s)),
            Cell(format_bytes(best.memory_bytes_per_proc)),
            _time_or_limit(line.pure_batch), _speedup(line.speedup_over(line.pure_batch)),
            _time_or_limit(line.pure_model), _speedup(line.speedup_over(line.pure_model))])
    table.note = ("“impossible”: the configuration breaks a limit of the model; hover over it "
                  "to read which.") if any(
        c.text == "impossible" for r in table.rows for c in r) else ""
    return table


def strategy_table(rows: list[SweepRow]) -> Table:
    per_strategy = fastest_per_strategy(rows)
    strategies = list(per_strategy) + sorted(
        {r.strategy for r in rows} - set(per_strategy),
        key=lambda s: STRATEGY_ORDER.index(s) if s in STRATEGY_ORDER else 99)
    table = Table(
        caption="Iteration time per strategy and P: the fastest of each strategy's grids "
                "(grid in parentheses); the fastest at each P in bold.",
        header=["P"] + strategies, numeric_columns=frozenset(range(len(strategies) + 1)))
    for procs in sorted({r.procs for r in rows}):
        winner = fastest([r for r in rows if r.procs == procs])
        line = [Cell(str(procs))]
        for strategy in strategies:
            row = per_strategy.get(strategy, {}).get(procs)
            if row is not None:
                line.append(Cell(f"{format_seconds(row.iteration_s)} ({row.grid})",
                                 ("best",) if row is winner else ()))
                continue
            tried = [r for r in rows if r.procs == procs and r.strategy == strategy]
            if tried:
                reasons = sorted({f"{r.grid}: {r.error}" for r in tried if r.error})
                line.append(Cell("impossible", ("impossible",), "\n".join(reasons)))
            else:
                line.append(Cell("–", ("muted",)))
        table.rows.append(line)
    return table


def what_if_table(rows: list[SweepRow], scale: str) -> Table:
    per_platform = what_if(rows, scale)
    platforms = list(per_platform)
    table = Table(caption="Best configuration (over strategies and grids) per multiplier "
                          "and platform.",
                  header=["multiplier"] + platforms,
                  numeric_columns=frozenset(range(len(platforms) + 1)))
    for value in sorted({v for per in per_platform.values() for v in per}):
        line = [Cell(format_scale(value))]
        for platform in platforms:
            row = per_platform[platform].get(value)
            line.append(Cell(f"{format_seconds(row.iteration_s)} ({row.grid} {row.strategy})")
                        if row else Cell("–", ("muted",)))
        table.rows.append(line)
    return table


def layer_totals_table(rows: list[LayerRow]) -> Table:
    names = {"forward_s": "forward", "backward_s": "backward", "gradient_s": "gradient",
             "halo_s": "halo", "redistribute_s": "redistribute"}
    table = Table(caption="Time per phase, summed over the layers of each configuration.",
                  header=["configuration", "compute"] + [names[p] for p in PHASES]
                  + ["communication", "bytes sent"],
                  numeric_columns=frozenset(range(1, len(PHASES) + 4)))
    for config in sorted({r.config for r in rows}):
        mine = [r for r in rows if r.config == config]
        table.rows.append(
            [Cell(config.short()), Cell(format_seconds(sum(r.compute_s for r in mine)))]
            + [Cell(format_seconds(sum(getattr(r, p) for r in mine))) for p in PHASES]
            + [Cell(format_seconds(sum(r.comm_s for r in mine)), ("best",)),
               Cell(format_bytes(sum(r.comm_bytes for r in mine)))])
    return table


def rank_table(trace: Trace, ranks: list[int]) -> Table:
    table = Table(caption="Busy time per rank (the two streams overlap, so they may add up "
                          "to more than the rank's end time).",
                  header=["rank", "compute", "communication", "other", "last span ends"],
                  numeric_columns=frozenset({1, 2, 3, 4}))
    for rank in ranks:
        spans = [s for s in trace.spans if s.rank == rank]
        busy = {"compute": 0.0, "comm": 0.0, "other": 0.0}
        for span in spans:
            busy[span.category if span.category in busy else "other"] += span.duration_s
        table.rows.append([Cell(trace.rank_names.get(rank, f"rank {rank}")),
                           Cell(format_seconds(busy["compute"])),
                           Cell(format_seconds(busy["comm"])),
                           Cell(format_seconds(busy["other"]) if busy["other"] else "–"),
                           Cell(format_seconds(max((s.end_s for s in spans), default=0.0)))])
    return table


def limits_table(rows: list[SweepRow], limit: int = 40) -> Table:
    # The same limit at every what-if multiplier or engine is listed once.
    unique = {(r.workload, r.platform, r.batch, r.procs, r.strategy, r.grid, r.error): r
              for r in rows if not r.possible}
    failed = sorted(unique.values(),
                    key=lambda r: (r.workload, r.platform, r.batch, r.procs,
                                   STRATEGY_ORDER.index(r.strategy)
                                   if r.strategy in STRATEGY_ORDER else 99, r.pr))
    table = Table(caption="Configurations that break a limit of the model (skipped in every "
                          "figure and table above).",
                  header=["workload", "platform", "B", "P", "strategy", "grid", "limit"],
                  numeric_columns=frozenset({2, 3}))
    for row in failed[:limit]:
        table.rows.append([Cell(row.workload), Cell(row.platform), Cell(str(row.batch)),
                           Cell(str(row.procs)), Cell(row.strategy), Cell(row.grid),
                           Cell(row.error, ("impossible",))])
    if len(failed) > limit:
        table.note = f"The first {limit} of {len(failed)} are listed."
    return table
