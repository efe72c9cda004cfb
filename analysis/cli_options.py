"""Command-line options shared by plot.py and report.py: the filters of a selection.

`add_filter_options(parser)` adds --workload, --platform, --engine, --batch, --procs,
--strategy, --grid and the what-if multipliers --bandwidth-scale, --latency-scale,
--flops-scale; `criteria(args)` turns the given ones into keyword arguments for
`selection.matching` (options not given are left out). `run_main(name, main)` runs a
script's main, turning an AnalysisError (or a Python without matplotlib) into one line
on stderr and exit status 1.
"""

import argparse
import re
import sys

from analysis.errors import AnalysisError

FILTERS = ("workload", "platform", "engine", "batch", "procs", "strategy", "grid",
           "bandwidth_scale", "latency_scale", "flops_scale", "intra_bandwidth_scale")


def grid_text(text: str) -> str:
    """Checks a PRxPC grid such as 8x64."""
    if not re.fullmatch(r"[1-9][0-9]*x[1-9][0-9]*", text):
        raise argparse.ArgumentTypeError(f"'{text}' is not a grid PRxPC such as 8x64")
    return text


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' must be at least 1")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"'{text}' must be positive")
    return value


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("selection (each keeps only the rows equal to it)")
    group.add_argument("--workload", help="workload name, e.g. alexnet")
    group.add_argument("--platform", help="platform name, e.g. cori-knl")
    group.add_argument("--engine", help="analytic or simgrid")
    group.add_argument("--batch", type=positive_int, help="mini-batch size B")
    group.add_argument("--procs", type=positive_int, help="number of processes P")
    group.add_argument("--strategy",
                       help="batch, model, integrated, domain, hybrid or optimized")
    group.add_argument("--grid", type=grid_text, help="process grid PRxPC, e.g. 8x8")
    group.add_argument("--bandwidth-scale", type=positive_float,
                       help="what-if bandwidth multiplier (default 1 except on its own axis)")
    group.add_argument("--latency-scale", type=positive_float,
                       help="what-if latency multiplier (default 1 except on its own axis)")
    group.add_argument("--flops-scale", type=positive_float,
                       help="what-if FLOP-rate multiplier (default 1 except on its own axis)")
    group.add_argument("--intra-bandwidth-scale", type=positive_float,
                       help="what-if multiplier of the network inside the nodes of a "
                            "hierarchical platform (default 1 except on its own axis)")


def criteria(args: argparse.Namespace, columns=FILTERS) -> dict:
    """The filters given on the command line, as keyword arguments of `matching`."""
    return {column: getattr(args, column) for column in columns
            if getattr(args, column, None) is not None}


def option_name(column: str) -> str:
    return "--" + column.replace("_", "-")


def run_main(name: str, main, argv=None) -> int:
    """Runs `main(argv)`; an AnalysisError becomes `name: error: ...` and exit status 1."""
    try:
        return main(argv)
    except AnalysisError as error:
        print(f"{name}: error: {error}", file=sys.stderr)
        return 1
    except ModuleNotFoundError as error:
        if error.name != "matplotlib":
            raise
        print(f"{name}: error: matplotlib is missing from {sys.executable}; run Debian's "
              "/usr/bin/python3 with python3-matplotlib (scripts/setup-deps.sh)",
              file=sys.stderr)
        return 1
