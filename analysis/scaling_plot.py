"""Strong scaling: iteration time over P, per strategy, for one study.

x = P on a base-2 log axis, y = time of one training iteration on a log axis. One line
per strategy: pure batch, pure model, and for integrated, domain and hybrid the fastest
of their grids at each P (min over grids); optimized is the optimizer's plan. A dotted
line shows ideal strong scaling from the fastest configuration at the smallest P. The
vertical line P = B marks the batch-parallel limit (one sample per process): past it
pure batch parallelism is impossible and only strategies splitting the features or the
image (model, integrated, domain, hybrid) go on; a strategy has no point at a P where
every grid breaks a limit.

    plot_strong_scaling(rows, "scaling.png")   # rows of one Study (analysis/study.py)
"""

import math

from analysis.errors import AnalysisError
from analysis.figure_style import (OKABE_ITO, log2_axis, log_value_axis, new_figure,
                                   save_png, set_titles, strategy_color, strategy_marker)
from analysis.selection import batch_limit, fastest, fastest_per_strategy
from analysis.study import Study
from analysis.sweep_csv import SweepRow
from analysis.units import time_unit

LABEL = {"batch": "batch (1 × P)", "model": "model (P × 1)",
         "integrated": "integrated, best grid", "domain": "domain, best grid",
         "hybrid": "hybrid, best grid", "optimized": "optimized plan"}


def plot_strong_scaling(rows: list[SweepRow], output: str, title: str | None = None) -> None:
    """Draws iteration time over P, one line per strategy, into the PNG `output`."""
    study = Study.of(rows)
    per_strategy = fastest_per_strategy(rows)
    if not per_strategy:
        raise AnalysisError(f"no possible configuration to plot for {study.describe()}")
    all_procs = sorted({r.procs for r in rows})
    times = [r.iteration_s for per in per_strategy.values() for r in per.values()]
    factor, unit = time_unit(max(times))

    figure, axis = new_figure(7.4, 4.6)
    limit = batch_limit(rows)
    if all_procs[0] <= limit <= all_procs[-1]:
        axis.axvspan(limit, all_procs[-1] * 1.5, color="#f2f2f2", zorder=0, linewidth=0)
        axis.axvline(limit, color="#555555", linestyle="--", linewidth=1.1, zorder=1)
        axis.annotate(f"P = B = {limit}: batch limit\n(past it, no pure batch)", (limit, 0.0),
                      xycoords=("data", "axes fraction"), xytext=(5, 6),
                      textcoords="offset points", ha="left", va="bottom", fontsize=8,
                      color="#333333")

    first = fastest([r for r in rows if r.procs == all_procs[0]])
    tried = {(r.strategy, r.procs) for r in rows}
    any_limit = False
    crosses_at = {p: 0 for p in all_procs}
    for strategy, per_procs in per_strategy.items():
        color = strategy_color(strategy)
        ys = [per_procs[p].iteration_s * factor if p in per_procs else math.nan
              for p in all_procs]
        axis.plot(all_procs, ys, color=color, marker=strategy_marker(strategy),
                  markersize=9 if strategy == "optimized" else 5.5,
                  label=LABEL.get(strategy, strategy), zorder=3)
        # Tried at a P but every grid broke a limit: a cross on the axis floor.
        blocked = [p for p in all_procs if (strategy, p) in tried and p not in per_procs]
        if blocked:
            any_limit = True
            heights = []
            for p in blocked:  # stack the crosses of several strategies at one P
                heights.append(0.025 + 0.04 * crosses_at[p])
                crosses_at[p] += 1
            axis.plot(blocked, heights, marker="x", markersize=6.5,
                      markeredgewidth=1.6, color=color, linestyle="none", clip_on=False,
                      transform=axis.get_xaxis_transform(), zorder=4)
    if first is not None and len(all_procs) > 1:
        ideal = [first.iteration_s * first.procs / p * factor for p in all_procs]
        axis.plot(all_procs, ideal, color=OKABE_ITO["grey"], linestyle=":", linewidth=1.3,
                  label="ideal strong scaling", zorder=2)
    if any_limit:
        axis.plot([], [], marker="x", markeredgewidth=1.6, color="grey", linestyle="none",
                  label="every grid breaks a limit")

    log2_axis(axis, all_procs)
    axis.set_xlim(all_procs[0] / 1.5, all_procs[-1] * 1.5)
    log_value_axis(axis)
    axis.set_xlabel("P, processes")
    axis.set_ylabel(f"time per training iteration ({unit})")
    set_titles(figure, axis, title or "Strong scaling by strategy",
               f"{study.describe()}; best grid per strategy and P")
    axis.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    save_png(figure, output)
