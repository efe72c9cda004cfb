#!/usr/bin/python3
"""Checks of `dnnsim sweep` (issue 6): rows equal the single runs they stand for; limits
and collective algorithms without a schedule for a grid give rows, not crashes; a sweep
sharded under mpirun merges into the same CSV.

usage: sweepcheck.py DNNSIM CHECK
"""
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile

SPEC = "tests/data/sweep-small.yaml"
PLATFORMS = {"crossbar-16": "tests/data/crossbar-16.yaml", "fat-tree-16": "tests/data/fat-tree-16.yaml"}


def sweep(out, *extra, launcher=()):
    subprocess.run([*launcher, DNNSIM, "sweep", SPEC, "--output", out, "--jobs", "2", *extra],
                   check=True, capture_output=True, text=True)
    with open(out) as f:
        return list(csv.DictReader(f))


def expect(condition, message):
    if not condition:
        print("FAILED:", message)
        sys.exit(1)
    print("ok:", message)


def rows_equal_single_runs():
    with tempfile.TemporaryDirectory() as tmp:
        rows = sweep(os.path.join(tmp, "out.csv"))
    # 2 workloads x 2 platforms x 2 batches x 3 P x (batch, model, optimized: 1 grid each;
    # integrated, hybrid: every grid) x 2 engines x 2 bandwidths; P = 4 has 3 grids, 6 has 4,
    # 32 has 6.
    grids = {4: 3, 6: 4, 32: 6}
    expected = 2 * 2 * 2 * sum(3 + 2 * g for g in grids.values()) * 2 * 2
    expect(len(rows) == expected, f"{len(rows)} rows, expected {expected}")
    errors = [r for r in rows if r["error"]]
    expect(any("Pc <= B" in r["error"] for r in errors), "the batch limit gives rows")
    expect(any("hosts" in r["error"] for r in errors), "P beyond the platform gives rows")
    checked = 0
    for r in rows:
        if r["error"] or r["strategy"] == "optimized" or r["bandwidth_scale"] != "1":
            continue
        if checked % 7 == 0 or r["engine"] == "simgrid" and checked % 3 == 0:
            command = "analytic" if r["engine"] == "analytic" else "simulate"
            out = subprocess.run(
                [DNNSIM, command, r["workload"], "--platform", PLATFORMS[r["platform"]], "--procs", r["procs"],
                 "--grid", f'{r["pr"]}x{r["pc"]}', "--strategy", r["strategy"], "--batch",
                 r["batch"], "--format", "json"], check=True, capture_output=True, text=True)
            single = json.loads(out.stdout)
            for key in ("iteration_s", "compute_s", "comm_s"):
                expect(float(r[key]) == single[key],
                       f"{command} {r['workload']} {r['platform']} {r['pr']}x{r['pc']} {r['strategy']} {key}")
        checked += 1


def unfit_collective_rows():
    # `recursive` has no schedule for a group of 6: that configuration's row says so, the
    # power-of-two one runs, and the sweep completes.
    with tempfile.TemporaryDirectory() as tmp:
        spec = os.path.join(tmp, "recursive.yaml")
        with open(spec, "w") as f:
            f.write("workloads: [mlp]\nplatforms: [crossbar]\nprocs: [4, 6]\nstrategies: [batch]\n"
                    "engine: simgrid\ncollective: recursive\n")
        out = os.path.join(tmp, "out.csv")
        subprocess.run([DNNSIM, "sweep", spec, "--output", out], check=True, capture_output=True)
        with open(out) as f:
            rows = {r["procs"]: r for r in csv.DictReader(f)}
    expect(rows["4"]["error"] == "" and float(rows["4"]["iteration_s"]) > 0, "P = 4 runs recursive")
    expect(rows["6"]["error"] == "no 'recursive' allreduce for a group of 6 processes; 'auto' fits every group"
           and rows["6"]["iteration_s"] == "", f"P = 6 is an error row ({rows['6']['error']!r})")


def shards_merge():
    if shutil.which("mpirun") is None:
        print("mpirun not found")
        sys.exit(77)
    with tempfile.TemporaryDirectory() as tmp:
        single = sweep(os.path.join(tmp, "single.csv"), "--no-progress")
        merged_path = os.path.join(tmp, "merged.csv")
        sharded = sweep(merged_path, "--no-progress",
                        launcher=("mpirun", "-np", "3", "--oversubscribe", "--allow-run-as-root"))
        expect(sorted(map(str, single)) == sorted(map(str, sharded)),
               f"3 shards merge into the single-machine rows ({len(sharded)} rows)")
        expect(single == sharded, "in the same order")
        leftovers = [f for f in os.listdir(tmp) if f not in ("single.csv", "merged.csv")]
        expect(leftovers == [], f"no part files left ({leftovers})")
        # Explicit shards, run one after the other, merge too.
        explicit = os.path.join(tmp, "explicit.csv")
        for k in range(2):
            subprocess.run([DNNSIM, "sweep", SPEC, "--output", explicit, "--shard", f"{k}/2",
                            "--jobs", "2"], check=True, capture_output=True)
        with open(explicit) as f:
            expect(list(csv.DictReader(f)) == single, "--shard 0/2 then 1/2 merge")


if __name__ == "__main__":
    DNNSIM = sys.argv[1]
    globals()[sys.argv[2]]()
