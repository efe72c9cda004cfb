#!/usr/bin/python3
"""One torchvision model through `dnnsim import`, checked against PyTorch itself.

    check_import.py --dnnsim BIN --model NAME --work-dir DIR [--preset NAME]

1. `dnnsim import torchvision:NAME` writes DIR/NAME.yaml (timed).
2. PyTorch is the referee, on its own instance of the model:
   - the parameters the inference graph uses are those that get a gradient when the eval
     model's output is back-propagated (googlenet's auxiliary heads get none); their total
     must be dnnsim's total, and the importer must warn about the others, with their count;
   - per layer: every used parameter `M.weight` / `M.bias` / `M.in_proj_weight` /
     `class_token` belongs to the layer named `M` / `M.in_proj` / `class_token`, and each
     layer's parameters are the sum of its own (numel, as PyTorch counts);
   - shapes: forward hooks on every module record each call's output on a zero tensor; the
     layer named after the module (`M`, `M#2` for its second call) must have that shape,
     and so must the last layer inside a module's scope (`M.*`) for modules with no layer
     of their own (a residual block ends with its output).
3. With --preset, the shipped workloads/PRESET.yaml must have the same parameters and
   forward FLOPs (`dnnsim info --format json`).
4. `dnnsim analytic --grid all` and `dnnsim simulate` run on the imported workload
   (crossbar, P = 8 and 4).

Exit 0 when every check holds, 1 otherwise, 77 (skipped) without PyTorch.
"""

import argparse
import json
import os
import subprocess
import sys
import time
import warnings

SKIP = 77
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print(f"FAIL: {message}")


def run(args, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        print(f"$ {' '.join(args)}\n{result.stdout}{result.stderr}")
    return result


def expected_layer(param_name):
    for suffix in (".weight", ".bias", "_weight", "_bias"):
        if param_name.endswith(suffix):
            return param_name[: -len(suffix)]
    return param_name


def pytorch_reference(model_name):
    """(used params by name, unused total, per-module call shapes, output shape)."""
    import torch
    import torchvision

    warnings.simplefilter("ignore")
    torch.manual_seed(0)
    model = getattr(torchvision.models, model_name)(weights=None).eval()
    calls = []  # (module path, call number, per-sample shape) in call order
    count = {}

    def hook(path):
        def record(_module, _inputs, output):
            if isinstance(output, (tuple, list)):
                output = next((o for o in output if isinstance(o, torch.Tensor)), None)
            if isinstance(output, torch.Tensor):
                count[path] = count.get(path, 0) + 1
                calls.append((path, count[path], list(output.shape[1:])))
        return record

    for path, module in model.named_modules():
        module.register_forward_hook(hook(path))
    out = model(torch.zeros(1, 3, 224, 224))
    out.sum().backward()
    used = {n: p.numel() for n, p in model.named_parameters() if p.grad is not None}
    total = sum(p.numel() for p in model.parameters())
    return used, total - sum(used.values()), calls, list(out.shape[1:])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dnnsim", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--work-dir", required=True)
    parser.add_argument("--preset")
    args = parser.parse_args()
    try:
        import torch  # noqa: F401
        import torchvision  # noqa: F401
        if args.model.startswith("vit"):
            import onnx  # noqa: F401
    except ImportError as error:
        print(f"skipped: {error} (scripts/setup-deps.sh installs python3-torch, "
              f"python3-torchvision, python3-onnx)")
        return SKIP
    os.makedirs(args.work_dir, exist_ok=True)
    yaml_path = os.path.join(args.work_dir, f"{args.model}.yaml")

    start = time.monotonic()
    imported = run([args.dnnsim, "import", f"torchvision:{args.model}", "--input", "3x224x224",
                    "--batch", "64", "--output", yaml_path])
    print(f"import: {time.monotonic() - start:.1f} s; {imported.stdout.strip()}")
    if imported.returncode != 0:
        print("FAIL: dnnsim import failed")
        return 1
    info = json.loads(run([args.dnnsim, "info", yaml_path, "--format", "json"]).stdout)
    layers = info["layers"]
    by_name = {layer["name"]: layer for layer in layers}

    used, unused, calls, out_shape = pytorch_reference(args.model)

    # Parameters: the total, and every layer's.
    check(info["params"] == sum(used.values()),
          f"total parameters: dnnsim {info['params']:,}, PyTorch's inference graph "
          f"{sum(used.values()):,}")
    if unused:
        check(f"{unused:,} parameters" in imported.stderr,
              f"no warning naming the {unused:,} unused parameters: {imported.stderr!r}")
    expected = {}
    for name, n in used.items():
        expected[expected_layer(name)] = expected.get(expected_layer(name), 0) + n
    for name, n in expected.items():
        check(name in by_name and by_name[name]["params"] == n,
              f"layer '{name}': PyTorch counts {n:,} parameters, dnnsim "
              f"{by_name[name]['params'] if name in by_name else 'has no such layer'}")
    for layer in layers:
        if layer["params"]:
            check(layer["name"] in expected,
                  f"layer '{layer['name']}' has {layer['params']:,} parameters PyTorch does "
                  f"not give it")
    print(f"parameters: {info['params']:,} total, {len(expected)} layers with parameters "
          f"match PyTorch" + (f"; {unused:,} unused, warned" if unused else ""))

    # Shapes: forward hooks, per call.
    direct = scoped = 0
    order = {layer["name"]: i for i, layer in enumerate(layers)}
    for path, k, shape in calls:
        name = path if k == 1 else f"{path}#{k}"
        if name in by_name:
            direct += 1
            check(by_name[name]["output"] == shape,
                  f"layer '{name}': dnnsim's output {by_name[name]['output']}, PyTorch's {shape}")
        elif k == 1:
            inside = [n for n in by_name if path == "" or n.startswith(path + ".")]
            if inside:
                scoped += 1
                last = max(inside, key=order.get)
                check(by_name[last]["output"] == shape,
                      f"module '{path or '(model)'}' outputs {shape} in PyTorch; its last layer "
                      f"'{last}' outputs {by_name[last]['output']} in dnnsim")
    check(layers[-1]["output"] == out_shape,
          f"the model's output: dnnsim {layers[-1]['output']}, PyTorch {out_shape}")
    print(f"shapes: {direct} module calls match their layer, {scoped} modules match their last "
          f"layer, of {len(layers)} layers")

    # The preset twin.
    if args.preset:
        preset = json.loads(run([args.dnnsim, "info", args.preset, "--format", "json"]).stdout)
        check(preset["params"] == info["params"],
              f"workloads/{args.preset}.yaml has {preset['params']:,} parameters, the imported "
              f"{info['params']:,}")
        check(abs(preset["flops_per_sample"] - info["flops_per_sample"]) <=
              1e-9 * preset["flops_per_sample"],
              f"workloads/{args.preset}.yaml has {preset['flops_per_sample']:.6g} forward FLOPs "
              f"per sample, the imported {info['flops_per_sample']:.6g}")
        print(f"preset {args.preset}: same parameters and forward FLOPs")

    # Both engines.
    start = time.monotonic()
    analytic = run([args.dnnsim, "analytic", yaml_path, "--platform", "crossbar", "--procs", "8",
                    "--grid", "all", "--batch", "64", "--format", "csv"])
    check(analytic.returncode == 0 and analytic.stdout.count("\n") >= 5,
          "dnnsim analytic --grid all failed")
    simulate = run([args.dnnsim, "simulate", yaml_path, "--platform", "crossbar", "--procs", "4",
                    "--grid", "2x2", "--strategy", "integrated", "--batch", "64",
                    "--format", "json"])
    ok = simulate.returncode == 0
    if ok:
        result = json.loads(simulate.stdout)
        ok = result["iteration_s"] > 0 and len(result["layers"]) == len(layers)
    check(ok, "dnnsim simulate failed")
    print(f"analytic --grid all (P = 8) and simulate (2x2): {time.monotonic() - start:.1f} s")

    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
