#!/usr/bin/python3
"""Cross-validation of pipelines, ZeRO and recomputation: on a crossbar, with --no-overlap, `dnnsim
simulate` must equal `dnnsim analytic` within the tolerance in iteration time and in every
layer's compute time, and exactly in every layer's bytes (docs/model.md, "Pipeline
parallelism").

usage: crossval_pipeline.py DNNSIM TOLERANCE WORKLOAD [OPTIONS ...]
(OPTIONS: --grid PRxPCxPP, --microbatches, --schedule, --strategy, ... passed to both)
"""
import json
import subprocess
import sys


def run(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main():
    dnnsim, tolerance, workload, *options = sys.argv[1:]
    tolerance = float(tolerance)
    common = [workload, "--platform", "crossbar", "--format", "json", *options]
    a = run([dnnsim, "analytic", *common])
    s = run([dnnsim, "simulate", *common, "--no-overlap"])
    failures = []

    def close(x, y, tol):
        return abs(x - y) <= tol * max(abs(x), abs(y)) + 1e-12

    if not close(a["iteration_s"], s["iteration_s"], tolerance):
        failures.append(f"iteration analytic {a['iteration_s']:.9g} s, simulated "
                        f"{s['iteration_s']:.9g} s")
    stages = [r.get("pipeline", {}).get("stages", 1) for r in (a, s)]
    if stages[0] != stages[1] or a["grid"] != s["grid"]:
        failures.append("not the same pipeline")
    if "pipeline" in a:
        gap_s = abs(a["pipeline"]["bubble_s"] - s["pipeline"]["bubble_s"])
        if gap_s > tolerance * a["iteration_s"] + 1e-12:
            failures.append(f"bubble analytic {a['pipeline']['bubble_s']:.9g} s, simulated "
                            f"{s['pipeline']['bubble_s']:.9g} s")
    for la, ls in zip(a["layers"], s["layers"]):
        if not close(la["compute_s"], ls["compute_s"], 1e-9):
            failures.append(f"{la['name']}: compute analytic {la['compute_s']:.9g}, "
                            f"simulated {ls['compute_s']:.9g}")
        if not close(la["comm_bytes"], ls["comm_bytes"], 1e-12):
            failures.append(f"{la['name']}: bytes {la['comm_bytes']} / {ls['comm_bytes']}")
    gap = (s["iteration_s"] - a["iteration_s"]) / a["iteration_s"]
    print(f"{workload} {' '.join(options)}: analytic {a['iteration_s']:.9g} s, simulated "
          f"{s['iteration_s']:.9g} s ({100 * gap:+.3f} %)")
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
