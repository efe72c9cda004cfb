"""Per-layer communication breakdown of one configuration, from a per-layer CSV.

One stacked bar per layer that communicates, in the workload's order, split into the
phases of the model (docs/model.md): forward (gathering activations), backward
(gathering errors), gradient reduction, halo exchange (domain parallelism) and
redistribution (a change of grid between layers). A black tick marks each layer's
compute time for comparison. When the layers differ in parallelism kind or grid (a
plan's layers may each have their own), each label names its layer's kind and grid;
otherwise the axis title names the one they share. Labels never overlap: they turn
upright, shrink, and at last are thinned out (analysis/label_layout.py). Layers that
neither compute nor communicate (activations, flatten) are left out and counted.

    plot_layer_breakdown(layer_rows, "layers.png")   # rows of one configuration
"""

from matplotlib.lines import Line2D

from analysis.errors import AnalysisError
from analysis.figure_style import PHASE_COLOR, PHASE_LABEL, new_figure, save_png, set_titles
from analysis.label_layout import fit_x_tick_labels
from analysis.layer_csv import PHASES, LayerRow, describe_layers
from analysis.selection import only_value
from analysis.units import format_seconds, time_unit

_CONFIG_COLUMNS = ("engine", "workload", "platform", "batch", "procs", "strategy", "grid")
MAX_WIDTH_IN = 16.0  # past it, labels turn upright or thin out rather than widen the PNG


def plot_layer_breakdown(rows: list[LayerRow], output: str, title: str | None = None) -> None:
    """Draws the stacked per-layer communication of one configuration into the PNG `output`."""
    save_png(draw_layer_breakdown(rows, title), output)


def label_parts(row: LayerRow, kind: bool, grid: bool) -> list[str]:
    """What a tick label says beside the layer's name: its kind, its grid (where known)."""
    return ([row.layer_strategy] if kind else []) + (
        [row.layer_grid] if grid and row.layer_grid else [])


def x_title(shown: list[LayerRow], kind: bool, grid: bool) -> str:
    """The axis title: what each label adds, and what every layer shares."""
    grids = {r.layer_grid for r in shown}
    notes = []
    grid_word = "grid where the CSV gives it" if None in grids else "grid"
    own = [word for word, differs in (("parallelism kind", kind), (grid_word, grid)) if differs]
    if own:
        notes.append("and its " + " and ".join(own))
    common = ([shown[0].layer_strategy] if not kind else []) + (
        [f"on {shown[0].layer_grid}"] if not grid and None not in grids else [])
    if common:
        notes.append("every one " + " ".join(common))
    if grids == {None}:
        notes.append("this CSV has no grid per layer")
    return "layer, in the workload's order" + (f" ({'; '.join(notes)})" if notes else "")


def draw_layer_breakdown(rows: list[LayerRow], title: str | None = None):
    """The figure of `plot_layer_breakdown`, not yet saved."""
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

    # A layer's kind and grid under its name only where layers differ in them.
    kind = len({r.layer_strategy for r in shown}) > 1
    grid = len({r.layer_grid for r in shown}) > 1
    per_layer = kind or grid
    # Room for a level "integrated" under each name when kinds or grids are shown.
    width = max(7.4, 2.4 + (0.8 if per_layer else 0.55) * len(shown))
    figure, axis = new_figure(min(MAX_WIDTH_IN, width), 4.6)
    positions = range(len(shown))
    bottoms = [0.0] * len(shown)
    for phase in PHASES:
        heights = [getattr(r, phase) * factor for r in shown]
        if not any(heights):
            continue
        axis.bar(positions, heights, bottom=bottoms, width=0.68, color=PHASE_COLOR[phase],
                 edgecolor="white", linewidth=0.5, label=PHASE_LABEL[phase], zorder=3)
        bottoms = [b + h for b, h in zip(bottoms, heights)]
    # A segment as wide as the bar, in data units: it narrows with the bars of a long network.
    axis.hlines([r.compute_s * factor for r in shown], [p - 0.34 for p in positions],
                [p + 0.34 for p in positions], color="black", linewidth=2.2, zorder=4)

    axis.set_xlim(-0.6, len(shown) - 0.4)
    axis.grid(axis="x", visible=False)
    axis.set_ylabel(f"time per iteration ({unit})")
    axis.set_xlabel(x_title(shown, kind, grid))
    total_comm = sum(r.comm_s for r in rows)
    total_compute = sum(r.compute_s for r in rows)
    note = (f"communication {format_seconds(total_comm)}, "
            f"compute {format_seconds(total_compute)} in all")
    left_out = hidden + silent
    if left_out:
        note += f"; {left_out} layers without communication left out"
    set_titles(figure, axis, title or "Communication per layer and phase",
               f"{describe_layers(rows)}\n{note}")
    handles, labels = axis.get_legend_handles_labels()
    handles.append(Line2D([], [], marker="_", markersize=14, markeredgewidth=2.2,
                          color="black", linestyle="none"))
    labels.append("compute (for comparison)")
    axis.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    # Tick labels last: fitting them measures the finished layout.
    parts = [label_parts(r, kind, grid) for r in shown]
    stacked = ["\n".join([r.layer] + p) for r, p in zip(shown, parts)]
    flat = [f"{r.layer} ({' '.join(p)})" if p else r.layer for r, p in zip(shown, parts)]
    fit_x_tick_labels(figure, axis, stacked, flat, fontsize=8 if per_layer else 8.5)
    return figure
