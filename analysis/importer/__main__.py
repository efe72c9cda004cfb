"""python3 -m analysis.importer SOURCE --input 3x224x224 [--batch B] [--name N]
                                  --output FILE.yaml [--allow-unknown] [--verbose]
                                  [--message-file PATH] [--expected-file PATH]

The Python half of `dnnsim import` (docs/workloads.md, "Importing models"). Exit status 0
with FILE.yaml written (atomically); 1 with one line on stderr (or in PATH, for dnnsim to
print) and nothing written, whatever the model's code did: raised, called sys.exit, was
interrupted (SIGINT: status 130, "interrupted"). --verbose prints the traceback of the
model's error first. --expected-file gets what PyTorch says of each layer (parameters,
output shape per sample; workload.py), for dnnsim import to check the workload against.
"""

import argparse
import contextlib
import os
import sys
import traceback
import warnings

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from analysis.atomic_output import write_text_atomically  # noqa: E402
from analysis.errors import AnalysisError  # noqa: E402
from analysis.importer.errors import ImportFailure  # noqa: E402
from analysis.importer.inputs import parse_sample  # noqa: E402
from analysis.importer.sources import build_module, describe, parse_source  # noqa: E402
from analysis.importer.workload import Workload  # noqa: E402


def require(module: str, package: str):
    try:
        __import__(module)
    except ImportError as error:
        raise ImportFailure(f"importing models needs {module} (Debian's {package}, installed by "
                            f"scripts/setup-deps.sh) in /usr/bin/python3: {error}") from error


@contextlib.contextmanager
def naming(where: str):
    """A failure of the model's import ("model 'x': ...") names the file it came from first;
    so does a sys.exit in the model's forward(), which tracing and export run."""
    try:
        yield
    except SystemExit as stop:
        code = "" if stop.code is None else repr(stop.code)
        raise ImportFailure(f"{where}: the model called sys.exit({code})") from stop
    except ImportFailure as failure:
        if str(failure).startswith(f"{where}: "):
            raise
        raise ImportFailure(f"{where}: {failure}") from (failure.__cause__ or failure)


def import_workload(args):
    """(the workload's YAML text, the expected text of its layers)."""
    sample = parse_sample(args.input)
    source = parse_source(args.source)
    name = args.name or source.default_name
    workload = Workload(name, args.batch, sample)
    command = f"dnnsim import {args.source} --input {args.input}"
    if source.kind == "module":
        require("torch", "python3-torch")
        if args.source.startswith("torchvision:"):
            require("torchvision", "python3-torchvision")
        import torch
        from analysis.importer import fx_import
        model = build_module(source)
        with naming(source.where):
            try:
                notes, warnings = fx_import.import_module(model, workload, name,
                                                          args.allow_unknown)
            except fx_import.TraceFailure as failure:
                require("onnx", "python3-onnx")
                from analysis.importer import onnx_import
                workload = Workload(name, args.batch, sample)
                proto = onnx_import.export(model, sample, name)
                notes, warnings = onnx_import.import_onnx(proto, workload, name,
                                                          args.allow_unknown)
                reason = str(failure).split(". ")[0]
                notes.insert(0, f"torch.fx cannot trace it ({reason}): exported to ONNX in "
                                f"memory by PyTorch {torch.__version__}")
        version = ""
        if args.source.startswith("torchvision:"):
            import torchvision
            version = f" {torchvision.__version__}"
        origin = source.description.replace("torchvision's", f"torchvision{version}'s")
    else:
        require("onnx", "python3-onnx")
        from analysis.importer import onnx_import
        proto = onnx_import.load(source.path)
        with naming(source.where):
            notes, warnings = onnx_import.import_onnx(proto, workload, name, args.allow_unknown)
        origin = source.description
    header = [f"{name}: imported from {origin} by `{command}`.",
              *[f"{note}." for note in notes],
              f"{len(workload.layers)} layers; layer names are the model's module names "
              f"(#2, #3: later calls of one module or later operations in one forward()).",
              "Shapes, parameters and FLOPs are dnnsim's own (docs/workloads.md); "
              "`dnnsim info` lists them."]
    header += [f"warning: {w}" for w in warnings]
    for w in warnings:
        print(f"dnnsim import: warning: {w}", file=sys.stderr)
    return workload.to_yaml(header), workload.expected_text()


def report(args, message: str, error: BaseException | None) -> None:
    """The one line of a failure, after the traceback of what caused it with --verbose."""
    if args.verbose and error is not None:
        traceback.print_exception(error, file=sys.stderr)
    if args.message_file:
        try:
            write_text_atomically(args.message_file, message)  # dnnsim import prints it
            return
        except AnalysisError:
            pass  # said on stderr instead
    print(f"dnnsim: error: {message}", file=sys.stderr)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="dnnsim import",
                                     description="Import a PyTorch or ONNX model as a workload")
    parser.add_argument("source")
    parser.add_argument("--input", required=True)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--name", default="")
    parser.add_argument("--output", required=True)
    parser.add_argument("--allow-unknown", action="store_true")
    parser.add_argument("--verbose", action="store_true",
                        help="print the traceback of the model's error")
    parser.add_argument("--expected-file", default="",
                        help="write PyTorch's parameters and shape of each layer there")
    parser.add_argument("--message-file", default="",
                        help="write the one-line error there instead of stderr (dnnsim import)")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")  # torchvision's and the exporter's notices are not ours
    try:
        if args.batch <= 0:
            raise ImportFailure(f"--batch: expected a positive batch size, got {args.batch}")
        text, expected = import_workload(args)
        if args.expected_file:
            write_text_atomically(args.expected_file, expected)
        write_text_atomically(args.output, text)
    except AnalysisError as error:
        report(args, str(error), error.__cause__)
        return 1
    except KeyboardInterrupt:
        report(args, "interrupted", None)
        return 130
    except SystemExit as stop:  # from code the guards above do not cover: still one line
        code = "" if stop.code is None else repr(stop.code)
        report(args, f"{args.source}: sys.exit({code}) called during the import", stop)
        return 1
    except Exception as error:  # noqa: BLE001 (one line, not a traceback, whatever it is)
        report(args, f"{args.source}: the importer failed: {describe(error)} (a bug of the "
                     f"importer; --verbose prints where)", error)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
