#!/usr/bin/python3
"""The importer's other sources and its failures, checked against hand-counted values.

    check_import_sources.py --dnnsim BIN --work-dir DIR

- FILE.py:FUNCTION: small_cnn (tests/data/import/custom_models.py) has 224 + 90 = 314
  parameters; its x.mean([2, 3]) becomes a `mean` layer over dims [1, 2] with output [8].
- FILE.onnx: the same model exported by torch.onnx with a dynamic batch gives the same
  workload numbers.
- An operation with no dnnsim layer (LeakyReLU) is an error naming the node, its type and
  the model, exit 1, no file written; with --allow-unknown it is an identity layer and a
  warning lists it.
Exit 0 when all hold, 1 otherwise, 77 (skipped) without PyTorch / onnx.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "..", "data", "import", "custom_models.py")
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print(f"FAIL: {message}")


def run(args):
    return subprocess.run(args, capture_output=True, text=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dnnsim", required=True)
    parser.add_argument("--work-dir", required=True)
    args = parser.parse_args()
    try:
        import onnx  # noqa: F401
        import torch  # noqa: F401
    except ImportError as error:
        print(f"skipped: {error}")
        return 77
    os.makedirs(args.work_dir, exist_ok=True)
    out = lambda name: os.path.join(args.work_dir, name)  # noqa: E731

    def info(path):
        return json.loads(run([args.dnnsim, "info", path, "--format", "json"]).stdout)

    # A Python function.
    r = run([args.dnnsim, "import", f"{MODELS}:small_cnn", "--input", "3x8x8", "--batch", "4",
             "--output", out("small.yaml")])
    check(r.returncode == 0, f"importing small_cnn failed: {r.stderr}")
    if r.returncode == 0:
        net = info(out("small.yaml"))
        check(net["params"] == 314, f"small_cnn: {net['params']} parameters, expected 314")
        gap = [layer for layer in net["layers"] if layer["type"] == "mean"]
        check(len(gap) == 1 and gap[0]["output"] == [8] and gap[0]["name"] == "2.mean",
              f"small_cnn: expected one mean layer '2.mean' with output [8], got {gap}")
        text = open(out("small.yaml"), encoding="utf-8").read()
        check("dims: [1, 2]" in text, "the mean layer does not average dims [1, 2]")
        check(text.startswith("# small_cnn: imported from small_cnn() of custom_models.py"),
              "the header does not say where the workload came from")

    # An ONNX file with a dynamic batch.
    sys.path.insert(0, os.path.dirname(MODELS))
    import custom_models
    custom_models.export_small_cnn(out("small.onnx"))
    r = run([args.dnnsim, "import", out("small.onnx"), "--input", "3x8x8",
             "--output", out("small-onnx.yaml")])
    check(r.returncode == 0, f"importing small.onnx failed: {r.stderr}")
    if r.returncode == 0:
        net = info(out("small-onnx.yaml"))
        check(net["params"] == 314, f"small.onnx: {net['params']} parameters, expected 314")
        check(net["layers"][-1]["output"] == [10], "small.onnx: the output is not [10]")
        check(any(layer["type"] == "mean" and layer["output"] == [8] for layer in net["layers"]),
              "small.onnx: ReduceMean over H, W is not a mean layer with output [8]")

    # An operation dnnsim has no layer for.
    target = out("leaky.yaml")
    if os.path.exists(target):
        os.unlink(target)
    r = run([args.dnnsim, "import", f"{MODELS}:leaky", "--input", "3x8x8", "--output", target])
    check(r.returncode == 1, f"an unknown operation exits {r.returncode}, expected 1")
    check("model 'leaky': cannot map node '1' of type LeakyReLU" in r.stderr,
          f"the error does not name the node, its type and the model: {r.stderr!r}")
    check(r.stdout == "" and not os.path.exists(target), "a failed import wrote something")
    leftovers = [f for f in os.listdir(args.work_dir) if f.startswith(".leaky")]
    check(not leftovers, f"temporary files left behind: {leftovers}")
    r = run([args.dnnsim, "import", f"{MODELS}:leaky", "--input", "3x8x8", "--output", target,
             "--allow-unknown"])
    check(r.returncode == 0, f"--allow-unknown failed: {r.stderr}")
    check("1 node(s) imported as pass-through identity layers (--allow-unknown): 1 (LeakyReLU)"
          in r.stderr, f"the warning does not list the node: {r.stderr!r}")
    if r.returncode == 0:
        net = info(target)
        check(net["layers"][1]["type"] == "identity" and net["params"] == 4 * 27 + 4 + 144 * 2 + 2,
              f"leaky: expected an identity layer and 402 parameters, got {net['params']}")

    # A source that is none of the three forms.
    r = run([args.dnnsim, "import", "resnet50", "--input", "3x224x224", "--output", target])
    check(r.returncode == 1 and "expected torchvision:NAME, FILE.py:FUNCTION or FILE.onnx"
          in r.stderr, f"a bad SOURCE: {r.stderr!r}")

    # A FIFO named like a model file is refused, not read forever.
    with tempfile.TemporaryDirectory() as fifo_dir:
        fifo = os.path.join(fifo_dir, "model.onnx")
        os.mkfifo(fifo)
        r = run([args.dnnsim, "import", fifo, "--input", "3x8x8", "--output", target])
        check(r.returncode == 1 and r.stderr.strip() == f"dnnsim: error: {fifo}: is not a regular "
              "file (a device, FIFO or socket); expected an ONNX file", f"a FIFO: {r.stderr!r}")

    print(f"{len(failures)} check(s) failed" if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
