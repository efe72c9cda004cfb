"""Figure style: one look for every plot, and the way a figure reaches the disk.

Importing this module selects matplotlib's Agg backend (no display needed). It sets a
quiet, paper-like style (DejaVu Sans, light grid, no top or right spines), defines a
colour and marker per strategy (the Okabe-Ito palette, readable by colour-blind
readers and in grey print), and provides:

- `new_figure(width_in, height_in)`: a figure and its axes in that style;
- `log2_axis(axis, values)`: a base-2 log axis with plain integer ticks at `values`;
- `save_png(figure, path)`: writes the PNG (dpi 120) atomically and closes the figure.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)
from matplotlib.ticker import FixedLocator, NullLocator  # noqa: E402

from analysis.atomic_output import atomic_output  # noqa: E402
from analysis.errors import AnalysisError  # noqa: E402

DPI = 120

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9.5,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "legend.fontsize": 8.5,
    "legend.frameon": True,
    "legend.framealpha": 0.92,
    "legend.edgecolor": "#cccccc",
    "lines.linewidth": 1.6,
    "lines.markersize": 5.5,
    "savefig.dpi": DPI,
    "figure.dpi": DPI,
}
plt.rcParams.update(STYLE)

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = {"black": "#000000", "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73",
             "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00",
             "purple": "#CC79A7", "grey": "#999999"}

STRATEGY_COLOR = {"batch": OKABE_ITO["blue"], "model": OKABE_ITO["vermillion"],
                  "integrated": OKABE_ITO["green"], "domain": OKABE_ITO["sky"],
                  "hybrid": OKABE_ITO["orange"], "optimized": OKABE_ITO["black"]}
STRATEGY_MARKER = {"batch": "s", "model": "^", "integrated": "o", "domain": "v",
                   "hybrid": "D", "optimized": "*"}

PHASE_COLOR = {"forward_s": OKABE_ITO["blue"], "backward_s": OKABE_ITO["sky"],
               "gradient_s": OKABE_ITO["vermillion"], "halo_s": OKABE_ITO["green"],
               "redistribute_s": OKABE_ITO["purple"]}
PHASE_LABEL = {"forward_s": "forward (activations)", "backward_s": "backward (errors)",
               "gradient_s": "gradient reduction", "halo_s": "halo exchange",
               "redistribute_s": "redistribution"}

CATEGORY_COLOR = {"compute": OKABE_ITO["blue"], "comm": OKABE_ITO["orange"]}
OTHER_COLOR = OKABE_ITO["grey"]


def _luminance(color) -> float:
    """WCAG relative luminance of a matplotlib colour."""
    channels = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
                for c in matplotlib.colors.to_rgb(color)]
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def contrast(a, b) -> float:
    """WCAG contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_color_on(background) -> str:
    """Black or white, whichever reads better on `background`."""
    return "black" if contrast("black", background) >= contrast("white", background) else "white"


def strategy_color(strategy: str) -> str:
    return STRATEGY_COLOR.get(strategy, OTHER_COLOR)


def strategy_marker(strategy: str) -> str:
    return STRATEGY_MARKER.get(strategy, "o")


def new_figure(width_in: float = 7.0, height_in: float = 4.4):
    """A figure and its axes, in the style above."""
    figure, axis = plt.subplots(figsize=(width_in, height_in), layout="constrained")
    return figure, axis


def log2_axis(axis, values, which: str = "x", label=str) -> None:
    """A base-2 logarithmic axis with ticks only at `values`, labelled by `label(value)`."""
    ticks = sorted(set(values))
    if which == "x":
        axis.set_xscale("log", base=2)
        target = axis.xaxis
    else:
        axis.set_yscale("log", base=2)
        target = axis.yaxis
    target.set_major_locator(FixedLocator(ticks))
    target.set_major_formatter(matplotlib.ticker.FixedFormatter([label(t) for t in ticks]))
    target.set_minor_locator(NullLocator())
    if len(ticks) == 1:  # a single tick: widen the view around it
        lower, upper = ticks[0] / 2, ticks[0] * 2
        (axis.set_xlim if which == "x" else axis.set_ylim)(lower, upper)


def save_png(figure, path: str) -> None:
    """Writes `figure` to `path` as a PNG through a temporary file, then closes it."""
    try:
        with atomic_output(path) as temp_path:
            figure.savefig(temp_path, format="png", dpi=DPI)
    except OSError as error:
        raise AnalysisError(f"{path}: cannot write the figure: {error.strerror}") from error
    finally:
        plt.close(figure)


def set_titles(figure, axis, title: str, subtitle: str = "") -> None:
    """A bold title over the figure and a plain subtitle (what was run) over the axes."""
    figure.suptitle(title, x=0.01, ha="left", fontsize=11.5, fontweight="bold")
    if subtitle:
        axis.set_title(subtitle, loc="left", fontsize=9, fontweight="normal", color="#444444")


def _plain_number(value: float, _position=None) -> str:
    return f"{value:g}"


def log_value_axis(axis, which: str = "y", limits: tuple[float, float] | None = None) -> None:
    """A base-10 log axis ticked at 1, 2, 3 and 5 times each power of ten, in plain numbers;
    over `limits` when given, else over the data with a margin."""
    target = axis.yaxis if which == "y" else axis.xaxis
    data = axis.dataLim.intervaly if which == "y" else axis.dataLim.intervalx
    if not max(limits or data) > 0:
        return  # nothing positive to draw on a log scale: times of a workload that costs nothing
    (axis.set_yscale if which == "y" else axis.set_xscale)("log")
    target.set_major_locator(matplotlib.ticker.LogLocator(base=10, subs=(1.0, 2.0, 3.0, 5.0)))
    target.set_major_formatter(matplotlib.ticker.FuncFormatter(_plain_number))
    target.set_minor_locator(matplotlib.ticker.LogLocator(base=10, subs=tuple(range(1, 10))))
    target.set_minor_formatter(matplotlib.ticker.NullFormatter())
    if limits:
        (axis.set_ylim if which == "y" else axis.set_xlim)(*limits)
    else:
        axis.margins(**{which: 0.06})
