#!/usr/bin/python3
"""Runs dnnsim-kernels under mpirun and the analytic engine on the same configuration,
and checks that the kernels agree with one process (max_rel_error below the tolerance)
and with the cost model's bytes (per layer comm_bytes equal to `dnnsim analytic`'s, and each
phase present in both or in neither). --expect LAYER.FIELD=VALUE adds values worked out
by hand. Exit status 0 when everything holds; the first failures are printed."""

import argparse
import json
import subprocess
import sys

PHASES = ["forward", "backward", "gradient", "halo", "redistribute"]


def run(cmd, timeout):
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)}\nexit status {done.returncode}\n{done.stderr}")
    return json.loads(done.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mpirun", default="mpirun")
    parser.add_argument("--np", type=int, required=True)
    parser.add_argument("--kernels", required=True)
    parser.add_argument("--dnnsim", required=True)
    parser.add_argument("--tolerance", type=float, default=1e-4)
    parser.add_argument("--expect", action="append", default=[],
                        help="LAYER.FIELD=VALUE, e.g. fc1.gradient_bytes=4198400")
    parser.add_argument("args", nargs=argparse.REMAINDER,
                        help="-- WORKLOAD and its options, as dnnsim analytic takes them")
    o = parser.parse_args()
    args = o.args[1:] if o.args[:1] == ["--"] else o.args

    kernels = run([o.mpirun, "--oversubscribe", "--allow-run-as-root", "-np", str(o.np),
                   o.kernels, *args, "--format", "json", "--iterations", "1"], 300)
    analytic = run([o.dnnsim, "analytic", *args, "--platform", "crossbar", "--procs",
                    str(o.np), "--format", "json"], 60)

    failures = []
    for key in ["workload", "batch", "procs", "grid", "strategy", "sequence_parallel"]:
        if kernels[key] != analytic[key]:
            failures.append(f"{key}: kernels {kernels[key]}, analytic {analytic[key]}")
    if not kernels["max_rel_error"] < o.tolerance:
        failures.append(f"max_rel_error {kernels['max_rel_error']} >= {o.tolerance}")
    if len(kernels["layers"]) != len(analytic["layers"]):
        failures.append("not the same layers")
    for k, a in zip(kernels["layers"], analytic["layers"]):
        name = k["name"]
        if name != a["name"] or k["strategy"] != a["strategy"]:
            failures.append(f"layer {name}/{k['strategy']} vs {a['name']}/{a['strategy']}")
        if abs(k["comm_bytes"] - a["comm_bytes"]) > 1e-9 * max(1.0, a["comm_bytes"]):
            failures.append(f"{name}: comm_bytes kernels {k['comm_bytes']}, "
                            f"analytic {a['comm_bytes']}")
        for phase in PHASES:
            seconds = a[phase + "_s"]
            if (k[phase + "_bytes"] > 0) != (seconds > 0):
                failures.append(f"{name}: {phase} bytes {k[phase + '_bytes']} but analytic "
                                f"{phase} time {seconds}")
    layers = {k["name"]: k for k in kernels["layers"]}
    for expect in o.expect:
        where, value = expect.split("=")
        layer, field = where.rsplit(".", 1)  # layer names may hold dots
        got = layers[layer][field]
        if abs(got - float(value)) > 1e-9 * max(1.0, abs(float(value))):
            failures.append(f"{where}: expected {value}, got {got}")

    if failures:
        print("FAIL:\n  " + "\n  ".join(failures))
        return 1
    total = sum(k["comm_bytes"] for k in kernels["layers"])
    print(f"OK: {kernels['workload']} {kernels['strategy']} {kernels['grid']['pr']}x"
          f"{kernels['grid']['pc']}: max_rel_error {kernels['max_rel_error']:.2e}, "
          f"{total:.0f} bytes per layer as the analytic engine counts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
