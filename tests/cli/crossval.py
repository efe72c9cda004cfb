#!/usr/bin/python3
"""Cross-validation: on the crossbar platform, with the default collective algorithms and
--no-overlap, `dnnsim simulate` must equal `dnnsim analytic` within 1 % per layer (compute
and communication) and in total, for every grid of P (docs/model.md: the SimGrid engine must
agree with the model on the ideal network).

usage: crossval.py [--platform FILE] [--sequence-parallel] DNNSIM WORKLOAD BATCH STRATEGY P [P ...]
(--platform: a crossbar platform file other than the preset, e.g. one with a roofline;
 --sequence-parallel: passed on to both engines)
"""
import json
import subprocess
import sys

TOLERANCE = 0.01


def run(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def close(a, b):
    return abs(a - b) <= TOLERANCE * max(abs(a), abs(b)) + 1e-12


def main():
    args = sys.argv[1:]
    platform = "crossbar"
    extra = []
    while args[:1] in (["--platform"], ["--sequence-parallel"]):
        if args[0] == "--platform":
            platform, args = args[1], args[2:]
        else:
            extra, args = ["--sequence-parallel"], args[1:]
    dnnsim, workload, batch, strategy, *procs = args
    failures = 0
    checked = 0
    for p in procs:
        common = [workload, "--platform", platform, "--procs", p, "--grid", "all",
                  "--strategy", strategy, "--batch", batch, "--format", "json", *extra]
        analytic = run([dnnsim, "analytic", *common])
        simulated = run([dnnsim, "simulate", *common, "--no-overlap"])
        for a, s in zip(analytic["grids"], simulated["grids"]):
            grid = f'{a["grid"]["pr"]}x{a["grid"]["pc"]}'
            if ("error" in a) != ("error" in s):
                print(f"P={p} {grid}: one engine refused the grid: {a.get('error')} / {s.get('error')}")
                failures += 1
                continue
            if "error" in a:
                continue
            checked += 1
            if not close(a["iteration_s"], s["iteration_s"]):
                print(f"P={p} {grid}: iteration analytic {a['iteration_s']:.9g} s, "
                      f"simulated {s['iteration_s']:.9g} s")
                failures += 1
            for la, ls in zip(a["layers"], s["layers"]):
                for key in ("compute_s", "comm_s", "comm_bytes"):
                    if not close(la[key], ls[key]):
                        print(f"P={p} {grid} layer {la['name']}: {key} analytic {la[key]:.9g}, "
                              f"simulated {ls[key]:.9g}")
                        failures += 1
    print(f"{workload} {strategy}{' ' + extra[0] if extra else ''} on {platform}: {checked} grids compared, {failures} mismatches")
    return 1 if failures or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
