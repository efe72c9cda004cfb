"""Selection: which configurations a figure or a table shows.

Pure functions over lists of `SweepRow` (analysis/sweep_csv.py); nothing here draws or
reads files, so the unit tests check each rule on the fixtures by hand.

- `matching(rows, **criteria)`: the rows equal to every given column (None = any value);
  `explain_no_match` says which criterion emptied the selection.
- `only_value(rows, column)`: the single value a column takes, or an error naming the
  choices and the option that picks one (a figure shows one workload, one platform...).
- `fastest(rows)`: the least iteration time among the configurations that are possible
  (no error) and fit in memory. Rows with an error never win, nor rows that exceed the
  device memory; ties go to the smaller Pr.
- `grid_sweep(rows)`: per P, one point per grid Pr x Pc of a strategy (the paper's
  figure), the batch (1 x P) and model (P x 1) rows standing in for the grids the
  integrated rows lack. `best_grid_per_procs` is the fastest of them per P.
- `fastest_per_strategy(rows)`: per strategy and P, the fastest grid (min over grids).
- `batch_limit(rows)`: P = B, the most processes pure batch parallelism can use.
- `best_grid_table(rows)`: per P, the best grid beside pure batch and pure model.
- `what_if(rows, scale)`: per platform and multiplier, the fastest over strategies and grids.
"""

import math
from collections import defaultdict
from dataclasses import dataclass

from analysis.errors import AnalysisError
from analysis.sweep_csv import SweepRow

STRATEGY_ORDER = ("batch", "model", "integrated", "domain", "hybrid", "optimized")

# Command-line option and plural noun of each column a selection filters on.
OPTION = {
    "workload": "--workload", "platform": "--platform", "engine": "--engine",
    "batch": "--batch", "procs": "--procs", "strategy": "--strategy", "grid": "--grid",
    "bandwidth_scale": "--bandwidth-scale", "latency_scale": "--latency-scale",
    "flops_scale": "--flops-scale", "intra_bandwidth_scale": "--intra-bandwidth-scale"}
PLURAL = {
    "workload": "workloads", "platform": "platforms", "engine": "engines",
    "batch": "batch sizes", "procs": "process counts", "strategy": "strategies",
    "grid": "grids", "bandwidth_scale": "bandwidth scales", "latency_scale": "latency scales",
    "flops_scale": "FLOP-rate scales", "intra_bandwidth_scale": "intra-node bandwidth scales"}

# Which single-strategy rows are the same configuration as a grid of a strategy:
# 1 x P is pure batch parallelism under every strategy, P x 1 integrated is pure model.
_STAND_INS = {"integrated": {"batch": "pr", "model": "pc"}, "domain": {"batch": "pr"},
              "hybrid": {"batch": "pr"}}


def strategy_rank(strategy: str) -> int:
    """Position of a strategy in the order figures and tables list them."""
    return STRATEGY_ORDER.index(strategy) if strategy in STRATEGY_ORDER else len(STRATEGY_ORDER)


def _equal(value, wanted) -> bool:
    if isinstance(value, float) or isinstance(wanted, float):
        return math.isclose(float(value), float(wanted), rel_tol=1e-9)
    return value == wanted


def matching(rows: list[SweepRow], **criteria) -> list[SweepRow]:
    """The rows whose columns equal every criterion that is not None."""
    wanted = {k: v for k, v in criteria.items() if v is not None}
    return [r for r in rows if all(_equal(getattr(r, k), v) for k, v in wanted.items())]


def _show(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def explain_no_match(rows: list, **criteria) -> str:
    """Why `matching(rows, **criteria)` is empty, naming the values the data does hold."""
    wanted = {k: v for k, v in criteria.items() if v is not None}
    if not rows:
        return "the input holds no configuration"
    for column, value in wanted.items():
        held = sorted({getattr(r, column) for r in rows})
        if not any(_equal(h, value) for h in held):
            choices = ", ".join(_show(h) for h in held)
            return f"no configuration has {OPTION.get(column, column)} {_show(value)} " \
                   f"(the input holds {PLURAL.get(column, column)}: {choices})"
    shown = " ".join(f"{OPTION.get(k, k)} {_show(v)}" for k, v in wanted.items())
    return f"no configuration matches {shown} (each holds alone, not together)"


def only_value(rows: list, column: str):
    """The one value `column` takes in `rows`; an AnalysisError if it takes none or several."""
    values = sorted({getattr(r, column) for r in rows})
    if not values:
        raise AnalysisError("no configuration selected")
    if len(values) > 1:
        choices = ", ".join(_show(v) for v in values)
        raise AnalysisError(f"the selection holds several {PLURAL.get(column, column)} "
                            f"({choices}); choose one with {OPTION.get(column, column)}")
    return values[0]


def possible(rows: list[SweepRow]) -> list[SweepRow]:
    """The rows that were evaluated (no limit broken)."""
    return [r for r in rows if r.possible]


def impossible(rows: list[SweepRow]) -> list[SweepRow]:
    """The rows that break a limit (their `error` says which)."""
    return [r for r in rows if not r.possible]


def fastest(rows: list[SweepRow]) -> SweepRow | None:
    """The configuration with the least iteration time that is possible and fits in memory."""
    candidates = [r for r in rows if r.possible and not r.exceeds_memory]
    if not candidates:
        return None
    return min(candidates, key=lambda r: (r.iteration_s, r.pr, strategy_rank(r.strategy)))


def grid_sweep(rows: list[SweepRow], strategy: str = "integrated") -> dict[int, list[SweepRow]]:
    """Per P, one row per grid of `strategy` (errors included), sorted by Pr.

    A grid the `strategy` rows lack is filled by the batch row (1 x P) or, for
    integrated, the model row (P x 1): the same configuration under another name.
    """
    stand_ins = _STAND_INS.get(strategy, {})
    points: dict[tuple[int, int], SweepRow] = {}
    for row in rows:
        if row.strategy == strategy:
            points[(row.procs, row.pr)] = row
    for row in rows:
        unit_column = stand_ins.get(row.strategy)
        if unit_column and getattr(row, unit_column) == 1:
            points.setdefault((row.procs, row.pr), row)
    by_procs: dict[int, list[SweepRow]] = defaultdict(list)
    for (procs, _), row in sorted(points.items()):
        by_procs[procs].append(row)
    return dict(by_procs)


def best_grid_per_procs(rows: list[SweepRow], strategy: str = "integrated") -> dict[int, SweepRow]:
    """Per P, the fastest grid of `strategy` (pure batch and pure model included)."""
    best = {}
    for procs, points in grid_sweep(rows, strategy).items():
        row = fastest(points)
        if row is not None:
            best[procs] = row
    return best


def fastest_per_strategy(rows: list[SweepRow]) -> dict[str, dict[int, SweepRow]]:
    """Per strategy (in STRATEGY_ORDER) and P, the fastest of its grids (min over grids)."""
    groups: dict[str, dict[int, list[SweepRow]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        groups[row.strategy][row.procs].append(row)
    result = {}
    for strategy in sorted(groups, key=lambda s: (strategy_rank(s), s)):
        per_procs = {}
        for procs in sorted(groups[strategy]):
            row = fastest(groups[strategy][procs])
            if row is not None:
                per_procs[procs] = row
        if per_procs:
            result[strategy] = per_procs
    return result


def batch_limit(rows: list[SweepRow]) -> int:
    """P = B: past it pure batch parallelism leaves a process without a sample."""
    return int(only_value(rows, "batch"))


def past_batch_limit(rows: list[SweepRow]) -> list[SweepRow]:
    """The possible configurations with more processes than samples (P > B)."""
    return [r for r in possible(rows) if r.procs > r.batch]


@dataclass(frozen=True)
class BestGrid:
    """The best grid for one P, beside the two pure strategies (possibly error rows)."""

    procs: int
    best: SweepRow
    pure_batch: SweepRow | None
    pure_model: SweepRow | None

    def speedup_over(self, other: SweepRow | None) -> float | None:
        """How many times faster the best grid is than `other`; None if `other` is not possible
        or the best grid takes no time."""
        if other is None or not other.possible or other.iteration_s is None:
            return None
        if not self.best.iteration_s > 0:
            return None  # a workload whose layers cost nothing: no ratio to speak of
        return other.iteration_s / self.best.iteration_s


def best_grid_table(rows: list[SweepRow], strategy: str = "integrated") -> list[BestGrid]:
    """Per P with a possible grid: the best grid, pure batch (1 x P) and pure model (P x 1)."""
    table = []
    sweep = grid_sweep(rows, strategy)
    for procs, points in sweep.items():
        best = fastest(points)
        if best is None:
            continue
        batch_row = next((r for r in points if r.pr == 1), None)
        model_row = next((r for r in points if r.pc == 1), None)
        table.append(BestGrid(procs, best, batch_row, model_row))
    return table


def what_if(rows: list[SweepRow],
            scale: str = "bandwidth_scale") -> dict[str, dict[float, SweepRow]]:
    """Per platform and value of the `scale` multiplier, the fastest over strategies and grids."""
    groups: dict[str, dict[float, list[SweepRow]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        groups[row.platform][getattr(row, scale)].append(row)
    result = {}
    for platform in sorted(groups):
        per_scale = {}
        for value in sorted(groups[platform]):
            row = fastest(groups[platform][value])
            if row is not None:
                per_scale[value] = row
        if per_scale:
            result[platform] = per_scale
    return result
