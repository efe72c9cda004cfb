"""Per-layer communication breakdown of one configuration, from a per-layer CSV.

One stacked bar per layer that communicates, in the workload's order, split into the
phases of the model (MODEL.md): forward (gathering activations), backward (gathering
errors), gradient reduction, halo exchange (domain parallelism) and redistribution
(a change of grid between layers). A black tick marks each layer's compute time for
comparison; the second line of each label is the layer's parallelism kind. Layers that
neither compute nor communicate (activations, flatten) are left out and counted.

    plot_layer_breakdown(layer_rows, "layers.png")   # rows of one configuration
"""

from matplotlib.lines import Line2D

from analysis.errors import AnalysisError
from analysis.figure_style import PHASE_COLOR, PHASE_LABEL, new_figure, save_png, set_titles
from analysis.layer_csv import PHASES, LayerRow
from analysis.selection import only_value
from analysis.units import format_seconds, time_unit

_CONFIG_COLUMNS = ("engine", "workload", "platform", "batch", "procs", "strategy", "grid")


def plot_layer_breakdown(rows: list[LayerRow], output: str, title: str | None = None) -> None:
    """Draws the stacked per-layer communication of one configuration into the PNG `output`."""
    configs = sorted({r.config for r in rows})
    for column in _CONFIG_COLUMNS:
        only_value(configs, column)
    config = configs[0]
    shown = [r for r in rows if r.comm_s > 0]
    if not shown:
        raise AnalysisError(f"no layer communicates in {config.describe()}")
    hidden = sum(1 for r in rows if r.comm_s == 0 and r.compute_s == 0)
    silent = sum(1 for r in rows if r.comm_s == 0 and r.compute_s > 0)
    largest = max(max(r.comm_s, r.compute_s) for r in shown)
    factor, unit = time_unit(largest)

    kinds = {r.layer_strategy for r in shown}
    two_lines = len(kinds) > 1  # the kind under each name only when kinds differ
    figure, axis = new_figure(max(7.4, 2.4 + (0.62 if two_lines else 0.55) * len(shown)), 4.6)
    positions = range(len(shown))
    bottoms = [0.0] * len(shown)
    for phase in PHASES:
        heights = [getattr(r, phase) * factor for r in shown]
        if not any(heights):
            continue
        axis.bar(positions, heights, bottom=bottoms, width=0.68, color=PHASE_COLOR[phase],
                 edgecolor="white", linewidth=0.5, label=PHASE_LABEL[phase], zorder=3)
        bottoms = [b + h for b, h in zip(bottoms, heights)]
    axis.plot(positions, [r.compute_s * factor for r in shown], linestyle="none", marker="_",
              markersize=22, markeredgewidth=2.2, color="black", zorder=4)

    axis.set_xticks(list(positions))
    if two_lines:
        axis.set_xticklabels([f"{r.layer}\n{r.layer_strategy}" for r in shown], fontsize=8)
    else:
        axis.set_xticklabels([r.layer for r in shown], fontsize=8.5)
    axis.set_xlim(-0.6, len(shown) - 0.4)
    axis.grid(axis="x", visible=False)
    axis.set_ylabel(f"time per iteration ({unit})")
    axis.set_xlabel("layer, in the workload's order" + (" (and its parallelism kind)"
                                                         if two_lines else
                                                         f" (every one {kinds.pop()})"))
    total_comm = sum(r.comm_s for r in rows)
    total_compute = sum(r.compute_s for r in rows)
    note = (f"communication {format_seconds(total_comm)}, "
            f"compute {format_seconds(total_compute)} in all")
    left_out = hidden + silent
    if left_out:
        note += f"; {left_out} layers without communication left out"
    set_titles(figure, axis, title or "Communication per layer and phase",
               f"{config.describe()}\n{note}")
    handles, labels = axis.get_legend_handles_labels()
    handles.append(Line2D([], [], marker="_", markersize=14, markeredgewidth=2.2,
                          color="black", linestyle="none"))
    labels.append("compute (for comparison)")
    axis.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    save_png(figure, output)
