"""Rank timeline: what each rank does over one simulated iteration, from a trace file.

One row per rank (the first `max_ranks` of them), split in two lanes: computation on
top, communication below, because a rank's communication stream overlaps its compute
stream (gradient all-reduce during the backward pass). Spans are coloured by category
(compute, comm; any other category in grey). A span carries its whole name
(`fc6 gradient allreduce`) where that fits inside it, else its layer's name (`fc6`),
else nothing: the text is measured, never wider or taller than its span, black or
white, whichever reads better on the span's colour.

    plot_timeline(read_trace("trace.json"), "timeline.png", max_ranks=16)
"""

from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch

from analysis.errors import AnalysisError
from analysis.figure_style import (CATEGORY_COLOR, OTHER_COLOR, new_figure, save_png,
                                   set_titles, text_color_on)
from analysis.label_layout import renderer_of
from analysis.trace_file import Span, Trace
from analysis.units import format_seconds, time_unit

LANE_HEIGHT = 0.36
LABEL_FONTSIZE = 7.0
LABEL_PAD_PX = 2.0  # clear space between a label and its span's edges


def plot_timeline(trace: Trace, output: str, max_ranks: int = 16,
                  title: str | None = None) -> None:
    """Draws one row per rank (up to `max_ranks`) of `trace` into the PNG `output`."""
    save_png(draw_timeline(trace, max_ranks, title), output)


def span_labels(span: Span) -> list[str]:
    """What a span may be labelled with, the most telling first."""
    return [span.name] + ([span.layer] if span.layer and span.layer != span.name else [])


def draw_timeline(trace: Trace, max_ranks: int = 16, title: str | None = None):
    """The figure of `plot_timeline`, not yet saved."""
    if max_ranks < 1:
        raise AnalysisError("--ranks must be at least 1")
    if not trace.spans:
        raise AnalysisError("the trace holds no spans (\"ph\": \"X\" events)")
    all_ranks = trace.ranks
    ranks = all_ranks[:max_ranks]
    end_s = trace.end_s
    factor, unit = time_unit(end_s)

    figure, axis = new_figure(9.0, min(10.0, 1.9 + 0.42 * len(ranks)))
    categories_seen = set()
    drawn: list[tuple[Span, float, str]] = []  # each span, the top of its lane, its colour
    for row, rank in enumerate(ranks):
        spans = [s for s in trace.spans if s.rank == rank]
        by_category: dict[str, list] = {}
        for span in spans:
            by_category.setdefault(span.category, []).append(span)
        for category, group in by_category.items():
            categories_seen.add(category)
            top = row - LANE_HEIGHT if category == "compute" else row + 0.02
            if category not in ("compute", "comm"):
                top = row - LANE_HEIGHT
            color = CATEGORY_COLOR.get(category, OTHER_COLOR)
            axis.broken_barh([(s.start_s * factor, s.duration_s * factor) for s in group],
                             (top, LANE_HEIGHT), facecolors=color, edgecolors="white",
                             linewidth=0.4, zorder=3)
            drawn.extend((span, top, color) for span in group)

    axis.set_yticks(range(len(ranks)))
    axis.set_yticklabels([trace.rank_names.get(r, f"rank {r}") for r in ranks])
    axis.set_ylim(len(ranks) - 0.45, -0.55)
    start_s = min(0.0, min(s.start_s for s in trace.spans))
    axis.set_xlim(start_s * factor, end_s * factor * 1.01)
    axis.grid(axis="y", visible=False)
    axis.set_xlabel(f"simulated time ({unit})")
    shown = (f"all {len(ranks)} ranks" if len(ranks) == len(all_ranks)
             else f"first {len(ranks)} of {len(all_ranks)} ranks")
    subtitle = f"{trace.title + '; ' if trace.title else ''}{shown}; " \
               f"last span ends at {format_seconds(end_s)}"
    set_titles(figure, axis, title or "Rank timeline", subtitle)
    legend = [Patch(color=CATEGORY_COLOR["compute"], label="compute (upper lane)"),
              Patch(color=CATEGORY_COLOR["comm"], label="communication (lower lane)")]
    others = sorted(categories_seen - {"compute", "comm"})
    if others:
        legend.append(Patch(color=OTHER_COLOR, label=", ".join(others)))
    axis.legend(handles=legend, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    label_spans(figure, axis, drawn, factor)
    return figure


def label_spans(figure, axis, drawn: list[tuple[Span, float, str]], factor: float) -> None:
    """Writes in each span the first of its `span_labels` that fits inside it."""
    renderer = renderer_of(figure)  # the final layout: spans measured in pixels
    font = FontProperties(size=LABEL_FONTSIZE)
    sizes: dict[str, tuple[float, float]] = {}
    for span, top, color in drawn:
        (x0, y0), (x1, y1) = axis.transData.transform(
            [(span.start_s * factor, top), (span.end_s * factor, top + LANE_HEIGHT)])
        for text in span_labels(span):
            if text not in sizes:
                width, height, _ = renderer.get_text_width_height_descent(text, font, False)
                sizes[text] = (width, height)
            width, height = sizes[text]
            fits = (width + 2 * LABEL_PAD_PX <= abs(x1 - x0)
                    and height + LABEL_PAD_PX <= abs(y1 - y0))
            if fits:
                axis.text((span.start_s + span.duration_s / 2) * factor, top + LANE_HEIGHT / 2,
                          text, ha="center", va="center", fontproperties=font,
                          color=text_color_on(color), clip_on=True, zorder=4)
                break
