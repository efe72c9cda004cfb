"""Communication vs Pr: the paper's figure (Gholami et al., SPAA 2018).

For one workload, platform, batch and engine: x = Pr on a base-2 log axis (Pc = P / Pr),
y = communication time per iteration on a log axis, one line per P. Pure batch
parallelism (Pr = 1) is drawn as a square, pure model parallelism (Pc = 1) as a
triangle, the best grid of each P (least iteration time, within memory) as a large star
labelled with its grid, the label placed clear of the other labels and of every marker.
Grids that break a limit (error rows) appear as crosses on the axis floor; rows over the
device memory as hollow markers. The shape to look for: a valley between the two pure
strategies.

The y axis is logarithmic whatever the data, and `CommAxes` lets figures share their
ranges: the analytic model's figure and SimGrid's of the same study, drawn with the
same `CommAxes`, compare side by side. A point of 0 s (no communication at all) has no
place on a log axis and is left out; the y axis is linear only when every point is 0.

    plot_comm_vs_pr(rows, "comm-vs-pr.png")   # rows of one Study (analysis/study.py)
"""

from dataclasses import dataclass, replace

import matplotlib.pyplot as plt
from matplotlib.lines import Line2D

from analysis.errors import AnalysisError
from analysis.figure_style import log2_axis, log_value_axis, new_figure, save_png, set_titles
from analysis.label_layout import PointLabel, place_point_labels
from analysis.selection import fastest, grid_sweep, possible
from analysis.study import Study, studies, study_of
from analysis.sweep_csv import SweepRow
from analysis.units import time_unit


# What Pr splits under each strategy (docs/model.md).
SPLIT = {"integrated": "the features split (model parallelism)",
         "domain": "the image height split (domain parallelism)",
         "hybrid": "the image height (conv) or features (linear) split"}
MARGIN = 0.06  # of each log axis' span, left clear beyond the data (matplotlib's margins)


@dataclass(frozen=True)
class CommAxes:
    """What a comm-vs-pr figure spans: its Pr ticks, its communication times, and the P
    its colours are spread over (a P keeps its colour in every figure sharing these)."""

    prs: tuple[int, ...]
    low_s: float  # least positive communication time; 0 if there is none
    high_s: float
    procs: tuple[int, ...]

    def union(self, other: "CommAxes") -> "CommAxes":
        lows = [s for s in (self.low_s, other.low_s) if s > 0]
        return CommAxes(tuple(sorted(set(self.prs) | set(other.prs))), min(lows, default=0.0),
                        max(self.high_s, other.high_s),
                        tuple(sorted(set(self.procs) | set(other.procs))))


def comm_axes(rows: list[SweepRow], strategy: str = "integrated") -> CommAxes | None:
    """The ranges the figure of `rows` needs (every engine in `rows` counted); None when
    no grid of `strategy` was evaluated."""
    result = None
    for engine in sorted({r.engine for r in rows}):
        sweep = grid_sweep([r for r in rows if r.engine == engine], strategy)
        times = [r.comm_s for points in sweep.values() for r in possible(points)]
        if not times:
            continue
        axes = CommAxes(tuple(sorted({r.pr for points in sweep.values() for r in points})),
                        min((t for t in times if t > 0), default=0.0), max(times),
                        tuple(sweep))
        result = axes if result is None else result.union(axes)
    return result


def shared_comm_axes(rows: list[SweepRow], strategy: str = "integrated"
                     ) -> dict[Study, CommAxes]:
    """Per study of `rows`, the ranges shared with the same study by the other engines."""
    by_study = studies(rows)
    shared = {}
    for study in by_study:
        axes = comm_axes(engine_peers(study, rows), strategy)
        if axes is not None:
            shared[study] = axes
    return shared


def engine_peers(study: Study, rows: list[SweepRow]) -> list[SweepRow]:
    """The rows of `study` by every engine in `rows`."""
    return [r for r in rows if replace(study_of(r), engine=study.engine) == study]


def line_colors(count: int) -> list:
    """`count` colours from dark blue to green along viridis, never its pale yellow end."""
    cmap = plt.get_cmap("viridis")
    if count == 1:
        return [cmap(0.25)]
    return [cmap(0.05 + 0.75 * i / (count - 1)) for i in range(count)]


def plot_comm_vs_pr(rows: list[SweepRow], output: str, title: str | None = None,
                    strategy: str = "integrated", axes: CommAxes | None = None) -> None:
    """Draws communication time over Pr, one line per P, into the PNG `output`; with
    `axes`, over those ranges (which must hold the data) rather than the data's own."""
    save_png(draw_comm_vs_pr(rows, title, strategy, axes), output)


def _log_limits(low: float, high: float) -> tuple[float, float]:
    """Limits around [low, high] on a log axis, MARGIN of the span beyond each end."""
    if high <= low:
        return low / 1.5, high * 1.5
    widen = (high / low) ** MARGIN
    return low / widen, high * widen


def draw_comm_vs_pr(rows: list[SweepRow], title: str | None = None,
                    strategy: str = "integrated", axes: CommAxes | None = None):
    """The figure of `plot_comm_vs_pr`, not yet saved."""
    study = Study.of(rows)
    sweep = grid_sweep(rows, strategy)
    own = comm_axes(rows, strategy)
    if own is None:
        raise AnalysisError(f"no possible {strategy} grid to plot for {study.describe()}")
    axes = own if axes is None else axes.union(own)
    factor, unit = time_unit(axes.high_s)
    log_y = axes.low_s > 0

    figure, axis = new_figure(7.4, 4.6)
    colors = dict(zip(axes.procs, line_colors(len(axes.procs))))
    any_limit = any_memory = any_batch = any_model = False
    stars = []
    for procs, points in sweep.items():
        color = colors[procs]
        ok = possible(points)
        shown = [r for r in ok if r.comm_s > 0 or not log_y]
        if shown:
            axis.plot([r.pr for r in shown], [r.comm_s * factor for r in shown], color=color,
                      marker="o", markersize=4.5, label=f"P = {procs}", zorder=3)
        else:
            why = "no communication" if ok else "no possible grid"
            axis.plot([], [], color=color, marker="o", label=f"P = {procs} ({why})")
        for row in shown:
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
        if best is not None and best in shown:
            axis.plot(best.pr, best.comm_s * factor, marker="*", markersize=16, color=color,
                      markeredgecolor="black", markeredgewidth=0.8, linestyle="none", zorder=5)
            stars.append(PointLabel(best.pr, best.comm_s * factor, best.grid))
        failed = [r for r in points if not r.possible]
        if failed:
            any_limit = True
            axis.plot([r.pr for r in failed], [0.025] * len(failed), marker="x",
                      markersize=6.5, markeredgewidth=1.6, color=color, linestyle="none",
                      transform=axis.get_xaxis_transform(), clip_on=False, zorder=4)

    log2_axis(axis, axes.prs)
    if len(axes.prs) > 1:
        axis.set_xlim(*_log_limits(min(axes.prs), max(axes.prs)))
    if log_y:
        log_value_axis(axis, limits=_log_limits(axes.low_s * factor, axes.high_s * factor))
    else:
        axis.set_ylim(bottom=0)
        axis.margins(y=0.08)
    axis.set_xlabel(f"Pr, {SPLIT.get(strategy, 'processes per grid column')}; "
                    "Pc = P / Pr splits the batch")
    axis.set_ylabel(f"communication per iteration ({unit})")
    set_titles(figure, axis, title or "Communication time over the process grid",
               f"{study.describe()}; {strategy} grids Pr × Pc = P")
    _legend(axis, any_batch, any_model, any_memory, any_limit)
    # Labels last: they are placed in the finished layout, clear of every marker.
    place_point_labels(figure, axis, stars, fontsize=8, fontweight="bold", color="#222222",
                       zorder=6)
    return figure


def _legend(axis, any_batch: bool, any_model: bool, any_memory: bool, any_limit: bool) -> None:
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
