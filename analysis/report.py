#!/usr/bin/python3
"""report.py: one self-contained HTML page with the figures and tables of a study.

    /usr/bin/python3 analysis/report.py --sweep sweep.csv [--sweep more.csv ...]
        [--layers layers.csv] [--trace trace.json] [--title T]
        [--workload W] [--platform P] [--engine E] [--batch B] [--ranks N]
        [--figures-dir DIR] --output report.html

The page has a section per study of the sweep (one workload, platform, batch and engine
on the machine as described): communication over Pr with the best grid per P and its
speed-up over pure batch and pure model (the figures of one study by several engines on
the same axes, to be compared side by side), strong scaling per strategy with the batch
limit P = B, and the fastest grid of every strategy per P. Then a section per what-if
study (a multiplier of bandwidth, latency or FLOP rate taking several values), the
per-layer breakdown of each configuration in --layers, the rank timeline of --trace
(first --ranks ranks, default 16), and the configurations that break a limit.

Everything is inside the one HTML file: PNGs as base64 data URIs, CSS inline, no
scripts and nothing fetched. The PNGs are drawn into a temporary directory that is
removed afterwards; --figures-dir DIR keeps them there as well. The page is written to a
temporary file renamed onto --output on success. Exit status: 0, 1 on bad input (one
line on stderr, no output), 2 on a bad command line.
"""

import argparse
import contextlib
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from analysis.atomic_output import write_text_atomically  # noqa: E402
from analysis.cli_options import criteria, positive_int, run_main  # noqa: E402
from analysis.errors import AnalysisError  # noqa: E402
from analysis.html_page import HtmlPage  # noqa: E402
from analysis.selection import explain_no_match, matching, possible  # noqa: E402

MAX_LAYER_CONFIGS = 6
SHARED_FILTERS = ("workload", "platform", "engine", "batch")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="report.py", description="Bundle the figures and tables of a dnnsim study "
        "into one self-contained HTML page.", epilog="See docs/analysis.md.")
    parser.add_argument("--sweep", action="append", required=True, metavar="CSV",
                        help="sweep CSV (repeat for several, e.g. shards)")
    parser.add_argument("--layers", metavar="CSV", help="per-layer CSV (analytic or simulate)")
    parser.add_argument("--trace", metavar="JSON", help="trace of `dnnsim simulate --trace`")
    parser.add_argument("--title", help="the page's title")
    parser.add_argument("--output", required=True, metavar="FILE.html")
    parser.add_argument("--figures-dir", metavar="DIR",
                        help="also keep the PNGs in DIR (default: a temporary directory)")
    parser.add_argument("--ranks", type=positive_int, default=16, metavar="N",
                        help="ranks drawn in the timeline (default 16)")
    group = parser.add_argument_group("selection (applied to the sweep and the per-layer CSV)")
    group.add_argument("--workload")
    group.add_argument("--platform")
    group.add_argument("--engine")
    group.add_argument("--batch", type=positive_int)
    return parser


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


class FigureMaker:
    """Draws the report's figures into one directory, under numbered names."""

    def __init__(self, directory: str):
        self.directory = directory
        self.count = 0

    def path(self, name: str) -> str:
        self.count += 1
        return os.path.join(self.directory, f"{self.count:02d}-{_slug(name)}.png")


def _try_figure(page: HtmlPage, draw, path: str, caption: str) -> bool:
    """Draws one figure and embeds it; a figure with nothing to show becomes a note."""
    try:
        draw(path)
    except AnalysisError as error:
        page.paragraph(f"No figure: {error}.", note=True)
        return False
    page.figure(path, caption)
    return True


def add_study_sections(page: HtmlPage, figures: FigureMaker, rows: list) -> None:
    from analysis.comm_vs_pr_plot import plot_comm_vs_pr, shared_comm_axes
    from analysis.report_tables import best_grid_table, strategy_table
    from analysis.report_text import study_text
    from analysis.scaling_plot import plot_strong_scaling
    from analysis.study import SCALES, studies, what_if_studies

    # Rows of a what-if variant are shown in the what-if section, not as studies of their own.
    covered = {id(r) for scale in SCALES for group in what_if_studies(rows, scale).values()
               for r in group if not r.is_baseline}
    shown = [r for r in rows if id(r) not in covered]
    # One study by several engines: the same axes, so the figures compare side by side.
    axes = shared_comm_axes(shown)
    for index, (study, group) in enumerate(studies(shown).items()):
        heading = study.describe()
        page.section(f"study-{index + 1}", heading, study_text(group))
        others = _other_engines(study, shown)
        _try_figure(page, lambda p: plot_comm_vs_pr(group, p, axes=axes.get(study)),
                    figures.path(f"comm {heading}"),
                    "Communication time per iteration over Pr, one line per P: squares are "
                    "pure batch (1 × P), triangles pure model (P × 1), stars the best grid "
                    "of each P; crosses on the floor are grids that break a limit."
                    + (f" Same axes as the {' and '.join(others)} engine's figure of this "
                       "study." if others else ""))
        page.table(best_grid_table(group))
        procs = {r.procs for r in possible(group)}
        if len(procs) > 1:
            _try_figure(page, lambda p: plot_strong_scaling(group, p),
                        figures.path(f"scaling {heading}"),
                        "Strong scaling: iteration time over P for each strategy (the fastest "
                        "of its grids at each P), with ideal scaling from the smallest P and "
                        "the batch limit P = B.")
        else:
            page.paragraph(f"Only P = {', '.join(map(str, sorted(procs))) or 'none'} was "
                           "evaluated here: no scaling figure.", note=True)
        page.table(strategy_table(group))
        page.end_section()


def _other_engines(study, rows: list) -> list[str]:
    """The engines other than the study's that ran the same study."""
    from analysis.comm_vs_pr_plot import engine_peers

    return sorted({r.engine for r in engine_peers(study, rows)} - {study.engine})


def add_what_if_sections(page: HtmlPage, figures: FigureMaker, rows: list) -> None:
    from analysis.report_tables import what_if_table
    from analysis.report_text import what_if_text
    from analysis.study import SCALE_NAME, SCALES, what_if_studies
    from analysis.what_if_plot import plot_what_if

    for scale in SCALES:
        for index, (key, group) in enumerate(what_if_studies(rows, scale).items()):
            name = SCALE_NAME[scale]
            page.section(f"what-if-{_slug(name)}-{index + 1}",
                         f"What-if: {name}, {key.describe()}", what_if_text(group, scale))
            _try_figure(page, lambda p: plot_what_if(group, p, scale),
                        figures.path(f"what-if {name} {key.describe()}"),
                        f"Best iteration time over the {name} multiplier, one line per "
                        "platform; dashed: the compute time of the best configuration, the "
                        "floor a better network cannot go below.")
            page.table(what_if_table(group, scale))
            page.end_section()


def add_layer_section(page: HtmlPage, figures: FigureMaker, rows: list, path: str) -> None:
    from analysis.layer_breakdown_plot import plot_layer_breakdown
    from analysis.layer_csv import describe_layers
    from analysis.report_tables import layer_totals_table
    from analysis.report_text import layers_text

    configs = sorted({r.config for r in rows})
    page.section("layers", "Communication per layer",
                 f"From {os.path.basename(path)}: {len(configs)} configuration"
                 f"{'' if len(configs) == 1 else 's'}.")
    for config in configs[:MAX_LAYER_CONFIGS]:
        mine = [r for r in rows if r.config == config]
        page.subsection(describe_layers(mine))
        page.paragraph(layers_text(mine))
        _try_figure(page, lambda p: plot_layer_breakdown(mine, p),
                    figures.path(f"layers {config.describe()}"),
                    "Communication of each layer split by phase (stacked); the black tick is "
                    "the layer's compute time. Layers that do not communicate are left out.")
    if len(configs) > MAX_LAYER_CONFIGS:
        page.paragraph(f"The first {MAX_LAYER_CONFIGS} of {len(configs)} configurations are "
                       "drawn; the table lists them all.", note=True)
    page.table(layer_totals_table(rows))
    page.end_section()


def add_timeline_section(page: HtmlPage, figures: FigureMaker, trace, max_ranks: int) -> None:
    from analysis.report_tables import rank_table
    from analysis.report_text import timeline_text
    from analysis.timeline_plot import plot_timeline

    shown = trace.ranks[:max_ranks]
    page.section("timeline", "Rank timeline", timeline_text(trace, len(shown)))
    _try_figure(page, lambda p: plot_timeline(trace, p, max_ranks),
                figures.path("timeline"),
                "What each rank does over the iteration: compute in the upper lane, "
                "communication in the lower one (they overlap when gradients are reduced "
                "during the backward pass).")
    page.table(rank_table(trace, shown))
    page.end_section()


def _figure_directory(path: str | None):
    if path is None:
        return tempfile.TemporaryDirectory(prefix="dnnsim-report-")
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as error:
        raise AnalysisError(f"--figures-dir {path}: {error.strerror}") from error
    return contextlib.nullcontext(path)


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if not args.output.lower().endswith((".html", ".htm")):
        raise AnalysisError(f"--output {args.output}: the report is HTML, name it FILE.html")
    from analysis.layer_csv import read_layers
    from analysis.report_tables import limits_table
    from analysis.sweep_csv import read_sweeps
    from analysis.trace_file import read_trace

    wanted = criteria(args, SHARED_FILTERS)
    all_rows = read_sweeps(args.sweep)
    rows = matching(all_rows, **wanted)
    if not rows:
        raise AnalysisError(f"{', '.join(args.sweep)}: {explain_no_match(all_rows, **wanted)}")
    if not possible(rows):
        raise AnalysisError(f"{', '.join(args.sweep)}: every selected configuration breaks a "
                            "limit; nothing to report")
    layers = []
    if args.layers:
        all_layers = read_layers(args.layers)
        chosen = set(matching(sorted({r.config for r in all_layers}), **wanted))
        layers = [r for r in all_layers if r.config in chosen]
        if not layers:
            raise AnalysisError(f"{args.layers}: no configuration matches the selection")
    trace = read_trace(args.trace) if args.trace else None
    if trace is not None and not trace.spans:
        raise AnalysisError(f"{args.trace}: the trace holds no spans")

    workloads = sorted({r.workload for r in rows})
    platforms = sorted({r.platform for r in rows})
    title = args.title or f"dnnsim study: {', '.join(workloads)} on {', '.join(platforms)}"
    sources = [f"sweep {', '.join(os.path.basename(p) for p in args.sweep)} "
               f"({len(rows)} configurations, {len(possible(rows))} evaluated)"]
    if args.layers:
        sources.append(f"per-layer {os.path.basename(args.layers)}")
    if args.trace:
        sources.append(f"trace {os.path.basename(args.trace)}")
    page = HtmlPage(title, "From " + "; ".join(sources) + ".")
    page.footer = ("Generated by analysis/report.py (dnnsim) with matplotlib. Times are per "
                   "training iteration; memory per process. Figures are embedded PNGs: this "
                   "file is the whole report.")

    with _figure_directory(args.figures_dir) as directory:
        figures = FigureMaker(directory)
        add_study_sections(page, figures, rows)
        add_what_if_sections(page, figures, rows)
        if layers:
            add_layer_section(page, figures, layers, args.layers)
        if trace is not None:
            add_timeline_section(page, figures, trace, args.ranks)
        if not all(r.possible for r in rows):
            page.section("limits", "Limits", "Why some configurations were not evaluated: "
                         "the limit each breaks, as the sweep reported it.")
            page.table(limits_table(rows))
            page.end_section()
        html_text = page.render()
    write_text_atomically(args.output, html_text)
    return 0


if __name__ == "__main__":
    sys.exit(run_main("report.py", main))
