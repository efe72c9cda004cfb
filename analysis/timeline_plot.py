"""Rank timeline: what each rank does over one simulated iteration, from a trace file.

One row per rank (the first `max_ranks` of them), split in two lanes: computation on
top, communication below, because a rank's communication stream overlaps its compute
stream (gradient all-reduce during the backward pass). Spans are coloured by category
(compute, comm; any other category in grey). When few ranks are shown, spans wide
enough carry their task's name.

    plot_timeline(read_trace("trace.json"), "timeline.png", max_ranks=16)
"""

from matplotlib.patches import Patch

from analysis.errors import AnalysisError
from analysis.figure_style import (CATEGORY_COLOR, OTHER_COLOR, new_figure, save_png,
                                   set_titles)
from analysis.trace_file import Trace
from analysis.units import format_seconds, time_unit

LANE_HEIGHT = 0.36


def plot_timeline(trace: Trace, output: str, max_ranks: int = 16,
                  title: str | None = None) -> None:
    """Draws one row per rank (up to `max_ranks`) of `trace` into the PNG `output`."""
    if max_ranks < 1:
        raise AnalysisError("--ranks must be at least 1")
    if not trace.spans:
        raise AnalysisError("the trace holds no spans (\"ph\": \"X\" events)")
    all_ranks = trace.ranks
    ranks = all_ranks[:max_ranks]
    end_s = trace.end_s
    factor, unit = time_unit(end_s)
    label_spans = len(ranks) <= 8

    figure, axis = new_figure(9.0, min(10.0, 1.9 + 0.42 * len(ranks)))
    categories_seen = set()
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
            axis.broken_barh([(s.start_s * factor, s.duration_s * factor) for s in group],
                             (top, LANE_HEIGHT), facecolors=CATEGORY_COLOR.get(category,
                                                                              OTHER_COLOR),
                             edgecolors="white", linewidth=0.4, zorder=3)
            if label_spans:
                for span in group:
                    if span.duration_s >= 0.075 * end_s:
                        axis.text((span.start_s + span.duration_s / 2) * factor,
                                  top + LANE_HEIGHT / 2, span.name, ha="center", va="center",
                                  fontsize=6.5, color="white", clip_on=True, zorder=4)

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
    save_png(figure, output)
