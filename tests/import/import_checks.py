"""What the importer's transformer and input tests share: failures, running dnnsim, importing
a model and comparing the workload with PyTorch (parameters per module, output shapes).
"""

import argparse
import json
import os
import shutil
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data", "import")
MODELS = "tests/data/import/transformer_models.py"  # as the user types it (run from the tree)
failures = []


def case_arguments():
    """--dnnsim, --work-dir (emptied, absolute) and --case, as every test script takes them."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--dnnsim", required=True)
    parser.add_argument("--work-dir", required=True)
    parser.add_argument("--case", required=True)
    args = parser.parse_args()
    args.work_dir = os.path.abspath(args.work_dir)
    shutil.rmtree(args.work_dir, ignore_errors=True)
    os.makedirs(args.work_dir)
    return args


def run_case(cases, name):
    """Runs case `name` of `cases`; the exit status: 0 when every check passed."""
    if name not in cases:
        print(f"unknown case {name}; one of {', '.join(cases)}")
        return 1
    cases[name]()
    print(f"{len(failures)} check(s) failed" if failures else "all checks passed")
    return 1 if failures else 0


def check(condition, message):
    if not condition:
        failures.append(message)
        print(f"FAIL: {message}")
    return condition


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, timeout=600, **kwargs)


def pytorch_reference(model, sample, batch=3):
    """(parameters by name, each module call's per-sample output shapes) in PyTorch."""
    import torch
    calls = []

    def hook(path):
        def record(_module, _inputs, output):
            if isinstance(output, (tuple, list)):
                output = output[0]
            shape = list(output.shape)
            if batch in shape:  # else the same for every sample: a table of positions
                shape.pop(shape.index(batch))  # the batch, wherever the module keeps it
                calls.append((path, shape))
        return record

    for path, module in model.named_modules():
        if path:
            module.register_forward_hook(hook(path))
    with torch.no_grad():
        model.eval()(sample(batch))
    return {n: p.numel() for n, p in model.named_parameters()}, calls


def layer_of(param_name):
    """The layer dnnsim names after a parameter's module."""
    for suffix, layer in ((".in_proj_weight", ".in_proj"), (".in_proj_bias", ".in_proj"),
                          (".weight", ""), (".bias", "")):
        if param_name.endswith(suffix):
            return param_name[: -len(suffix)] + layer
    return param_name


def compare_with_pytorch(model, sample, net, per_layer=True):
    by_name = {layer["name"]: layer for layer in net["layers"]}
    order = {layer["name"]: i for i, layer in enumerate(net["layers"])}
    params, calls = pytorch_reference(model, sample)
    check(net["params"] == sum(params.values()),
          f"parameters: dnnsim {net['params']}, PyTorch {sum(params.values())}")
    expected = {}
    for name, n in params.items():
        expected[layer_of(name)] = expected.get(layer_of(name), 0) + n
    for name, n in expected.items() if per_layer else ():
        check(name in by_name and by_name[name]["params"] == n,
              f"layer '{name}': PyTorch {n} parameters, dnnsim "
              f"{by_name[name]['params'] if name in by_name else 'has no such layer'}")
    for layer in net["layers"] if per_layer else ():
        if layer["params"]:
            check(layer["name"] in expected, f"layer '{layer['name']}' has parameters PyTorch "
                                             f"does not give it")
    seen = set()
    for path, shape in calls:
        if path in seen:
            continue
        seen.add(path)
        inside = [n for n in by_name if n == path or n.startswith(path + ".")]
        if inside:
            last = path if path in by_name else max(inside, key=order.get)
            check(by_name[last]["output"] == shape,
                  f"module '{path}' outputs {shape} in PyTorch, its layer '{last}' "
                  f"{by_name[last]['output']} in dnnsim")


def import_model(args, source, sample_text, name):
    output = os.path.join(args.work_dir, f"{name}.yaml")
    r = run([args.dnnsim, "import", source, "--input", sample_text, "--batch", "8",
             "--output", output])
    ok = check(r.returncode == 0, f"importing {source}: {r.stderr}")
    check(r.stderr == "", f"importing {source} warned: {r.stderr!r}")
    if not ok:
        return None, None
    net = json.loads(run([args.dnnsim, "info", output, "--format", "json"]).stdout)
    with open(output, encoding="utf-8") as handle:
        text = handle.read()
    analytic = run([args.dnnsim, "analytic", output, "--platform", "crossbar", "--procs", "4",
                    "--grid", "all", "--format", "csv"])
    check(analytic.returncode == 0, f"analytic --grid all on {name}: {analytic.stderr}")
    return net, text
