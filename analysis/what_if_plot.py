"""What-if: the best iteration time as one property of the machine is scaled.

For one workload, batch, P and engine, x = the multiplier of the network bandwidth
(`bandwidth_scale`, or `latency_scale` / `flops_scale` / `intra_bandwidth_scale`) on a base-2 log axis, y = the
fastest iteration over every strategy and grid the sweep tried at that multiplier; one
line per platform. Each point is labelled with the winning grid and strategy, and a
dashed line of the same colour shows that configuration's compute time: the floor a
faster network cannot go below. The grey vertical line marks the machine as described
(multiplier 1).

    plot_what_if(rows, "what-if.png")   # rows of one WhatIfStudy (analysis/study.py)
"""

from matplotlib.lines import Line2D

from analysis.errors import AnalysisError
from analysis.figure_style import (OKABE_ITO, log2_axis, log_value_axis, new_figure,
                                   save_png, set_titles)
from analysis.selection import only_value, what_if
from analysis.study import SCALE_NAME, SCALES, WhatIfStudy, describe_scales
from analysis.sweep_csv import SweepRow
from analysis.units import format_scale, time_unit

PLATFORM_COLORS = (OKABE_ITO["blue"], OKABE_ITO["vermillion"], OKABE_ITO["green"],
                   OKABE_ITO["orange"], OKABE_ITO["purple"], OKABE_ITO["sky"],
                   OKABE_ITO["black"])
SHORT = {"integrated": "int.", "optimized": "opt.", "hybrid": "hyb.", "domain": "dom.",
         "batch": "batch", "model": "model"}


def plot_what_if(rows: list[SweepRow], output: str, scale: str = "bandwidth_scale",
                 title: str | None = None) -> None:
    """Draws the best iteration time over `scale`, one line per platform, into `output`."""
    study = WhatIfStudy.of(rows)
    fixed = {s: only_value(rows, s) for s in SCALES if s != scale}
    per_platform = what_if(rows, scale)
    if not per_platform:
        raise AnalysisError(f"no possible configuration to plot for {study.describe()}")
    times = [r.iteration_s for per in per_platform.values() for r in per.values()]
    factor, unit = time_unit(max(times))

    figure, axis = new_figure(7.4, 4.6)
    axis.axvline(1.0, color="#bbbbbb", linewidth=1.0, zorder=1)
    for index, (platform, per_scale) in enumerate(per_platform.items()):
        color = PLATFORM_COLORS[index % len(PLATFORM_COLORS)]
        xs = list(per_scale)
        best = list(per_scale.values())
        winners = [(r.grid, r.strategy) for r in best]
        label = platform
        if len(set(winners)) == 1:  # one winner throughout: say it once, in the legend
            label += f" (best: {best[0].grid} {best[0].strategy})"
        axis.plot(xs, [r.iteration_s * factor for r in best], color=color, marker="o",
                  label=label, zorder=3)
        axis.plot(xs, [r.compute_s * factor for r in best], color=color, linestyle="--",
                  linewidth=1.0, alpha=0.8, zorder=2)
        if len(set(winners)) > 1:
            previous = None
            for x, row, winner in zip(xs, best, winners):
                if winner != previous:  # label a winner where it takes over
                    axis.annotate(f"{row.grid} {SHORT.get(row.strategy, row.strategy)}",
                                  (x, row.iteration_s * factor), xytext=(4, 5),
                                  textcoords="offset points", fontsize=7, color=color,
                                  zorder=4)
                previous = winner

    scales = [x for per in per_platform.values() for x in per]
    log2_axis(axis, scales, label=format_scale)
    axis.set_xlim(min(scales) / 1.4, max(scales) * 1.6)
    log_value_axis(axis)
    axis.set_xlabel(f"network {SCALE_NAME[scale]} multiplier (1× = the platform as described)"
                    if scale != "flops_scale" else
                    "node FLOP-rate multiplier (1× = the platform as described)")
    axis.set_ylabel(f"best time per training iteration ({unit})")
    set_titles(figure, axis, title or f"What-if: {SCALE_NAME[scale]}",
               f"{study.describe()}{describe_scales(fixed)}; best over strategies and grids")
    handles, labels = axis.get_legend_handles_labels()
    handles.append(Line2D([], [], color="grey", linestyle="--", linewidth=1.0))
    labels.append("compute time of the best (floor)")
    axis.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    save_png(figure, output)
