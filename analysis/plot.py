#!/usr/bin/python3
"""plot.py: draws one figure of a dnnsim study into a PNG.

    /usr/bin/python3 analysis/plot.py KIND --input FILE [selection] --output FILE.png

KIND         input                       figure
comm-vs-pr   sweep CSV                   communication time over Pr, one line per P
scaling      sweep CSV                   iteration time over P per strategy, P = B marked
layers       per-layer CSV               stacked communication per layer and phase
what-if      sweep CSV                   best iteration time over a multiplier, per platform
timeline     trace JSON                  one row per rank, compute and comm spans

Selection options (--workload, --platform, --engine, --batch, --procs, --strategy,
--grid, --bandwidth-scale, --latency-scale, --flops-scale) keep only the rows equal to
them. A figure shows one workload, platform, batch and engine: when the selection holds
several, the error names them and the option that picks one. The what-if multipliers
default to 1, except the one on the what-if figure's axis (--scale, default bandwidth).
For comm-vs-pr, --strategy names the family of grids drawn (default integrated; the
batch and model rows stand in for its 1 x P and P x 1 grids), and the axes span the same
study by every engine in the input, so that --engine analytic and --engine simgrid draw
figures that compare side by side. Rows with an error (a broken limit) are skipped, and
shown as such where the figure has room.

Exit status: 0 with the PNG written (atomically), 1 on bad input (one line on stderr,
no PNG), 2 on a bad command line. Needs Debian's python3-matplotlib (/usr/bin/python3).
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from analysis.cli_options import (FILTERS, add_filter_options, criteria,  # noqa: E402
                                  option_name, positive_int, run_main)
from analysis.errors import AnalysisError  # noqa: E402
from analysis.selection import explain_no_match, matching  # noqa: E402

SWEEP_KINDS = ("comm-vs-pr", "scaling", "what-if")
KINDS = SWEEP_KINDS + ("layers", "timeline")
SCALE_COLUMN = {"bandwidth": "bandwidth_scale", "latency": "latency_scale",
                "flops": "flops_scale", "intra-bandwidth": "intra_bandwidth_scale"}
LAYER_FILTERS = ("workload", "platform", "engine", "batch", "procs", "strategy", "grid")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="plot.py", description="Draw one figure of a dnnsim study into a PNG.",
        epilog="Kinds: comm-vs-pr, scaling, what-if (sweep CSV), layers (per-layer CSV), "
               "timeline (trace JSON). See docs/analysis.md.")
    parser.add_argument("kind", choices=KINDS, metavar="KIND", help=", ".join(KINDS))
    parser.add_argument("--input", required=True, metavar="CSV_OR_TRACE",
                        help="sweep CSV, per-layer CSV or trace JSON (see KIND)")
    parser.add_argument("--output", required=True, metavar="FILE.png", help="the PNG to write")
    parser.add_argument("--title", help="replace the figure's title")
    add_filter_options(parser)
    parser.add_argument("--scale", choices=tuple(SCALE_COLUMN), default="bandwidth",
                        help="what-if: the multiplier on the x axis (default bandwidth)")
    parser.add_argument("--ranks", type=positive_int, default=16, metavar="N",
                        help="timeline: the number of ranks drawn (default 16)")
    return parser


def _reject_options(args, argv: list[str], kind: str, columns) -> None:
    for column in columns:
        if getattr(args, column, None) is not None:
            raise AnalysisError(f"{option_name(column)} does not apply to {kind}")
    if kind != "what-if" and any(a == "--scale" or a.startswith("--scale=") for a in argv):
        raise AnalysisError(f"--scale does not apply to {kind}")
    if kind != "timeline" and any(a == "--ranks" or a.startswith("--ranks=") for a in argv):
        raise AnalysisError(f"--ranks does not apply to {kind}")


def select_sweep_rows(args, all_engines: bool = False) -> list:
    """The sweep rows the figure shows: the filters, with the what-if multipliers at 1
    (and, with `all_engines`, every engine's rows, --engine or not)."""
    from analysis.sweep_csv import read_sweep

    rows = read_sweep(args.input)
    wanted = criteria(args)
    if all_engines:
        wanted.pop("engine", None)
    axis_scale = SCALE_COLUMN[args.scale] if args.kind == "what-if" else None
    for column in SCALE_COLUMN.values():
        if column != axis_scale:
            wanted.setdefault(column, 1.0)
    if args.kind == "comm-vs-pr":
        wanted.pop("strategy", None)  # the family of grids, applied by the figure
    selected = matching(rows, **wanted)
    if not selected:
        raise AnalysisError(f"{args.input}: {explain_no_match(rows, **wanted)}")
    if axis_scale:
        # Only the groups where the multiplier varies (not the sweep's other P or batches).
        from analysis.study import what_if_studies
        groups = what_if_studies(selected, axis_scale)
        if not groups:
            raise AnalysisError(f"{args.input}: no configuration of the selection was run "
                                f"at several {args.scale} multipliers")
        selected = [r for group in groups.values() for r in group]
    return selected


def select_layer_rows(args) -> list:
    from analysis.layer_csv import read_layers

    rows = read_layers(args.input)
    configs = sorted({r.config for r in rows})
    wanted = criteria(args, LAYER_FILTERS)
    chosen = set(matching(configs, **wanted))
    if not chosen:
        raise AnalysisError(f"{args.input}: {explain_no_match(configs, **wanted)}")
    return [r for r in rows if r.config in chosen]


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(argv)
    if not args.output.lower().endswith(".png"):
        raise AnalysisError(f"--output {args.output}: the figure is a PNG, name it FILE.png")
    if args.kind == "timeline":
        _reject_options(args, argv, args.kind, FILTERS)
        from analysis.timeline_plot import plot_timeline
        from analysis.trace_file import read_trace
        plot_timeline(read_trace(args.input), args.output, args.ranks, args.title)
    elif args.kind == "layers":
        _reject_options(args, argv, args.kind,
                        [c for c in FILTERS if c not in LAYER_FILTERS])
        from analysis.layer_breakdown_plot import plot_layer_breakdown
        plot_layer_breakdown(select_layer_rows(args), args.output, args.title)
    else:
        _reject_options(args, argv, args.kind, ())
        rows = select_sweep_rows(args)
        if args.kind == "comm-vs-pr":
            from analysis.comm_vs_pr_plot import comm_axes, engine_peers, plot_comm_vs_pr
            from analysis.study import Study
            strategy = args.strategy or "integrated"
            # The axes span the study by every engine in the input, as in the report: the
            # analytic and SimGrid figures compare side by side.
            peers = engine_peers(Study.of(rows), select_sweep_rows(args, all_engines=True))
            plot_comm_vs_pr(rows, args.output, args.title, strategy,
                            axes=comm_axes(peers, strategy))
        elif args.kind == "scaling":
            from analysis.scaling_plot import plot_strong_scaling
            plot_strong_scaling(rows, args.output, args.title)
        else:
            from analysis.what_if_plot import plot_what_if
            plot_what_if(rows, args.output, SCALE_COLUMN[args.scale], args.title)
    return 0


if __name__ == "__main__":
    sys.exit(run_main("plot.py", main))
