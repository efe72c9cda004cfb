"""Communication vs Pr: the paper's figure (Gholami et al., SPAA 2018).

For one workload, platform, batch and engine: x = Pr on a base-2 log axis (Pc = P / Pr),
y = communication time per iteration, one line per P. Pure batch parallelism (Pr = 1)
is drawn as a square, pure model parallelism (Pc = 1) as a triangle, the best grid of
each P (least iteration time, within memory) as a large star labelled with its grid.
Grids that break a limit (error rows) appear as crosses on the axis floor; rows over
the device memory as hollow markers. The shape to look for: a valley between the two
pure strategies.

    plot_comm_vs_pr(rows, "comm-vs-pr.png")   # rows of one Study (analysis/study.py)
"""

import matplotlib.pyplot as plt
from matplotlib.lines import Line2D

from analysis.errors import AnalysisError
from analysis.figure_style import log2_axis, log_value_axis, new_figure, save_png, set_titles
from analysis.selection import fastest, grid_sweep, possible
from analysis.study import Study
from analysis.sweep_csv import SweepRow
from analysis.units import time_unit


# What Pr splits under each strategy (MODEL.md).
SPLIT = {"integrated": "the features split (model parallelism)",
         "domain": "the image height split (domain parallelism)",
         "hybrid": "the image height (conv) or features (linear) split"}


def line_colors(count: int) -> list:
    """`count` colours from dark blue to green along viridis, never its pale yellow end."""
    cmap = plt.get_cmap("viridis")
    if count == 1:
        return [cmap(0.25)]
    return [cmap(0.05 + 0.75 * i / (count - 1)) for i in range(count)]


def plot_comm_vs_pr(rows: list[SweepRow], output: str, title: str | None = None,
                    strategy: str = "integrated") -> None:
    """Draws communication time over Pr, one line per P, into the PNG `output`."""
    study = Study.of(rows)
    sweep = grid_sweep(rows, strategy)
    evaluated = [r for points in sweep.values() for r in possible(points)]
    if not evaluated:
        raise AnalysisError(f"no possible {strategy} grid to plot for {study.describe()}")
    factor, unit = time_unit(max(r.comm_s for r in evaluated))
    smallest = min(r.comm_s for r in evaluated if r.comm_s > 0) if any(
        r.comm_s > 0 for r in evaluated) else 0.0
    log_y = smallest > 0 and max(r.comm_s for r in evaluated) / smallest > 8

    figure, axis = new_figure(7.4, 4.6)
    colors = line_colors(len(sweep))
    any_limit = any_memory = any_batch = any_model = False
    for color, (procs, points) in zip(colors, sweep.items()):
        ok = possible(points)
        if ok:
            axis.plot([r.pr for r in ok], [r.comm_s * factor for r in ok], color=color,
                      marker="o", markersize=4.5, label=f"P = {procs}", zorder=3)
        else:
            axis.plot([], [], color=color, marker="o", label=f"P = {procs} (no possible grid)")
        for row in ok:
            hollow = row.exceeds_memory
            any_memory |= hollow
            marker = "s" if row.pr == 1 else "^" if row.pc == 1 else None
            any_batch |= row.pr == 1
            any_model |= row.pc == 1 and row.pr > 1
            if marker:
                axis.plot(row.pr, row.comm_s * factor, marker=marker, markersize=8.5,
                          markerfacecolor="white" if hollow else color, markeredgecolor="black",
                          markeredgewidth=1.0, linestyle="none", zorder=4)
            elif hollow:
                axis.plot(row.pr, row.comm_s * factor, marker="o", markersize=6,
                          markerfacecolor="white", markeredgecolor=color, zorder=4)
        best = fastest(points)
        if best is not None:
            axis.plot(best.pr, best.comm_s * factor, marker="*", markersize=16, color=color,
                      markeredgecolor="black", markeredgewidth=0.8, linestyle="none", zorder=5)
            axis.annotate(best.grid, (best.pr, best.comm_s * factor), xytext=(0, -15),
                          textcoords="offset points", ha="center", fontsize=8,
                          fontweight="bold", color="#222222", zorder=6)
        failed = [r for r in points if not r.possible]
        if failed:
            any_limit = True
            axis.plot([r.pr for r in failed], [0.025] * len(failed), marker="x",
                      markersize=6.5, markeredgewidth=1.6, color=color, linestyle="none",
                      transform=axis.get_xaxis_transform(), clip_on=False, zorder=4)

    log2_axis(axis, [r.pr for points in sweep.values() for r in points])
    if log_y:
        log_value_axis(axis)
    else:
        axis.set_ylim(bottom=0)
        axis.margins(y=0.08)
    axis.set_xlabel(f"Pr, {SPLIT.get(strategy, 'processes per grid column')}; "
                    "Pc = P / Pr splits the batch")
    axis.set_ylabel(f"communication per iteration ({unit})")
    set_titles(figure, axis, title or "Communication time over the process grid",
               f"{study.describe()}; {strategy} grids Pr × Pc = P")

    handles, labels = axis.get_legend_handles_labels()
    keys = []
    if any_batch:
        keys.append(Line2D([], [], marker="s", markersize=8, color="grey",
                           markeredgecolor="black", linestyle="none", label="pure batch (1 × P)"))
    if any_model:
        keys.append(Line2D([], [], marker="^", markersize=8, color="grey",
                           markeredgecolor="black", linestyle="none", label="pure model (P × 1)"))
    keys.append(Line2D([], [], marker="*", markersize=13, color="grey", markeredgecolor="black",
                       linestyle="none", label="best grid for P"))
    if any_memory:
        keys.append(Line2D([], [], marker="o", markerfacecolor="white", color="grey",
                           linestyle="none", label="exceeds device memory"))
    if any_limit:
        keys.append(Line2D([], [], marker="x", markeredgewidth=1.6, color="grey",
                           linestyle="none", label="grid breaks a limit"))
    axis.legend(handles + keys, labels + [k.get_label() for k in keys], loc="upper left",
                bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    save_png(figure, output)
