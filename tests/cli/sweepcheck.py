#!/usr/bin/python3
"""Checks of `dnnsim sweep`: rows equal the single runs they stand for; limits and
collective algorithms without a schedule for a grid give rows, not crashes; a sweep sharded
under mpirun merges into the same CSV; stale or damaged shard parts and launcher variables
that make no sense are refused in one line; an interrupted sweep or SMPI export stops its
children and leaves nothing.

usage: sweepcheck.py DNNSIM CHECK
"""
import csv
import math
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

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


def pipeline_axes_equal_single_runs():
    spec = "tests/data/sweep-pipeline.yaml"
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.csv")
        subprocess.run([DNNSIM, "sweep", spec, "--output", out, "--no-progress"], check=True,
                       capture_output=True, text=True)
        with open(out) as f:
            rows = list(csv.DictReader(f))
    expect(len(rows) == 576, f"{len(rows)} rows, expected 576 (tests/data/sweep-pipeline.yaml)")
    errors = [r for r in rows if r["error"]]
    # Interleaving needs two stages and m a multiple of Pp; a microbatch holds at least one
    # sample (B / (Pc m) = 16 / (8 x 4) is half one). Those rows are errors, no others:
    # 5 one-stage grids x 2 m x 16 (ZeRO, recomputation, SP, buckets) interleaved, 4
    # two-stage grids interleaved with m = 1 (x 16), and 1x8 (batch and tensor) with m = 4
    # under 1f1b (x 16).
    bad = [r for r in rows
           if (r["schedule"] == "interleaved:2" and (r["pp"] == "1" or r["microbatches"] == "1"))
           or (int(r["microbatches"]) > 1 and 16 < int(r["pc"]) * int(r["microbatches"]))]
    expect(len(errors) == len(bad) == 160 + 64 + 32 and all(r["error"] for r in bad),
           f"{len(errors)} error rows: interleaved with one stage or m = 1, microbatches under a sample")
    expect(all(r["pp"] in ("1", "2") and int(r["pr"]) * int(r["pc"]) * int(r["pp"]) == 8 for r in rows),
           "every row's Pr x Pc x Pp is 8")
    checked = 0
    for k, r in enumerate(r for r in rows if not r["error"]):
        if k % 9 != 0:
            continue
        args = [DNNSIM, "analytic", "tests/data/small-gpt.yaml", "--platform", PLATFORMS["crossbar-16"],
                "--grid", f'{r["pr"]}x{r["pc"]}x{r["pp"]}', "--strategy", r["strategy"],
                "--microbatches", r["microbatches"], "--schedule", r["schedule"], "--zero", r["zero"],
                "--recompute", r["recompute"], "--bucket-bytes", r["bucket_bytes"], "--format", "json"]
        if r["sequence_parallel"] == "true":
            args.append("--sequence-parallel")
        single = json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)
        bubble = single["pipeline"]["bubble_s"] if "pipeline" in single else 0.0
        for key, value in (("iteration_s", single["iteration_s"]), ("mfu", single["mfu"]),
                           ("bubble_s", bubble), ("memory_bytes_per_proc", single["memory_bytes_per_proc"])):
            if float(r[key]) != value and not (key == "memory_bytes_per_proc" and float(r[key]) == math.ceil(value)):
                expect(False, f"row {r} {key}: {r[key]} against analytic's {value}")
        checked += 1
    expect(checked > 30, f"{checked} rows equal their analytic runs (iteration, MFU, bubble, memory)")


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


def refused(args, env_extra, fragment, what):
    """Runs dnnsim, expects exit 1, one line on stderr containing `fragment`."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("OMPI_", "PMI_", "SLURM_"))}
    env.update(env_extra)
    r = subprocess.run([DNNSIM, *args], capture_output=True, text=True, env=env)
    lines = r.stderr.splitlines()
    expect(r.returncode == 1 and r.stdout == "" and len(lines) == 1 and fragment in lines[0],
           f"{what}: {r.stderr.strip()!r}")


def shard_problems():
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.csv")
        small = os.path.join(tmp, "small.yaml")
        with open(small, "w") as f:
            f.write("workloads: [mlp]\nplatforms: [tests/data/crossbar-16.yaml]\nprocs: [4]\n"
                    "strategies: [batch, model]\n")
        other = os.path.join(tmp, "other.yaml")
        with open(other, "w") as f:
            f.write("workloads: [mlp]\nplatforms: [tests/data/crossbar-16.yaml]\nprocs: [8]\n"
                    "strategies: [batch, model]\n")
        run = lambda spec, k: subprocess.run([DNNSIM, "sweep", spec, "-o", out, "--shard", f"{k}/2"],
                                             capture_output=True, text=True)
        single = os.path.join(tmp, "single.csv")
        subprocess.run([DNNSIM, "sweep", small, "-o", single], check=True)
        with open(single) as f:
            expected = f.read()

        # A lock left by a merge that died blocks nothing: the lock is the system's (fcntl).
        with open(out + ".merge-lock", "w") as f:
            f.write("left by a crash\n")
        expect(run(small, 0).returncode == 0 and run(small, 1).returncode == 0, "both shards ran")
        with open(out) as f:
            expect(f.read() == expected, "a stale lock file does not block the merge")
        expect(sorted(os.listdir(tmp)) == ["other.yaml", "out.csv", "single.csv", "small.yaml"],
               "parts and lock removed after the merge")

        # A part of another study is refused, not merged.
        os.remove(out)
        expect(run(other, 0).returncode == 0, "shard 0 of another study")
        refused(["sweep", small, "-o", out, "--shard", "1/2"], {},
                "out.csv.part-0-of-2:1: a part of another study", "a stale part of another study")
        expect(not os.path.exists(out), "nothing merged")
        # ... nor a damaged one: a part cut short.
        os.remove(out + ".part-0-of-2")
        os.remove(out + ".part-1-of-2")
        expect(run(small, 0).returncode == 0, "shard 0 again")
        with open(out + ".part-0-of-2") as f:
            lines = f.readlines()
        with open(out + ".part-0-of-2", "w") as f:
            f.writelines(lines[:-1])
        refused(["sweep", small, "-o", out, "--shard", "1/2"], {},
                "out.csv.part-0-of-2:2: cut short: 0 of its 1 rows", "a part cut short")
        expect(not os.path.exists(out), "nothing merged")

        # Launcher variables that make no sense.
        args = ["sweep", small, "-o", os.path.join(tmp, "l.csv")]
        refused(args, {"OMPI_COMM_WORLD_RANK": "3", "OMPI_COMM_WORLD_SIZE": "2"},
                "'OMPI_COMM_WORLD_RANK / OMPI_COMM_WORLD_SIZE': OMPI_COMM_WORLD_RANK is '3' and "
                "OMPI_COMM_WORLD_SIZE is '2': shard 3 does not exist in 2 shards", "rank >= size")
        refused(args, {"PMI_RANK": "0", "PMI_SIZE": "0"}, "the size must be 1 to 1000000", "size 0")
        refused(args, {"SLURM_PROCID": "1"}, "SLURM_PROCID is '1' and SLURM_NTASKS is unset: a "
                "shard needs both", "a rank without a size")
        refused(args, {"SLURM_ARRAY_TASK_ID": "one", "SLURM_ARRAY_TASK_COUNT": "2"},
                "expected whole numbers", "text")
        # A job array numbered from 1 (--array=1-2): task 2 is shard 1 of 2.
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OMPI_", "PMI_", "SLURM_"))}
        env.update({"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "2",
                    "SLURM_ARRAY_TASK_MIN": "1"})
        r = subprocess.run([DNNSIM, *args], capture_output=True, text=True, env=env)
        expect(r.returncode == 0 and os.path.exists(os.path.join(tmp, "l.csv.part-1-of-2")),
               "Slurm array task 2 of --array=1-2 runs shard 1 of 2")


def intra_axis():
    # intra_bandwidth_scale scales the network inside a hierarchical platform's nodes: an
    # 8x2 grid on DGX-H100 keeps each column of 8 in one node, so its gathers slow down with
    # it in SimGrid; a platform without such nodes gets error rows, not a silent no-op.
    with tempfile.TemporaryDirectory() as tmp:
        spec = os.path.join(tmp, "intra.yaml")
        with open(spec, "w") as f:
            f.write("workloads: [alexnet]\nplatforms: [dgx-h100, tests/data/crossbar-16.yaml]\n"
                    "procs: [16]\ngrids: [8x2]\nstrategies: [integrated]\nengine: [simgrid]\n"
                    "overrides: {intra_bandwidth_scale: [0.5, 1, 2]}\n")
        out = os.path.join(tmp, "intra.csv")
        subprocess.run([DNNSIM, "sweep", spec, "--output", out], check=True)
        with open(out) as f:
            rows = list(csv.DictReader(f))
    dgx = {float(r["intra_bandwidth_scale"]): float(r["iteration_s"]) for r in rows
           if r["platform"] == "dgx-h100"}
    expect(dgx[0.5] > dgx[1] > dgx[2], f"DGX-H100 8x2 by intra-node bandwidth: {dgx}")
    alone = json.loads(subprocess.run([DNNSIM, "simulate", "alexnet", "--platform", "dgx-h100",
                                       "--procs", "16", "--grid", "8x2", "--format", "json"],
                                      check=True, capture_output=True, text=True).stdout)
    expect(dgx[1] == alone["iteration_s"], "the row at scale 1 is the plain run")
    crossbar = {float(r["intra_bandwidth_scale"]): r["error"] for r in rows
                if r["platform"] == "crossbar-16"}
    expect(crossbar[1] == "" and crossbar[0.5].startswith(
        "intra_bandwidth_scale scales the network inside the nodes of a hierarchical platform"),
        f"a crossbar's intra-node rows: {crossbar}")


def children_of(pid):
    """The pids whose parent is `pid`, from /proc."""
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    kids.append(int(entry))
            except OSError:
                pass
    return kids


def interruptions():
    with tempfile.TemporaryDirectory() as tmp:
        spec = os.path.join(tmp, "slow.yaml")
        with open(spec, "w") as f:
            f.write("workloads: [alexnet]\nplatforms: [fat-tree]\nprocs: [256, 512]\n"
                    "batch: [512]\nstrategies: [integrated]\nengine: [simgrid]\n")
        out = os.path.join(tmp, "slow.csv")
        for sig in (signal.SIGINT, signal.SIGTERM):
            p = subprocess.Popen([DNNSIM, "sweep", spec, "-o", out, "--jobs", "2"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            kids = []
            deadline = time.monotonic() + 30
            while len(kids) < 2 and time.monotonic() < deadline:  # both simulations running
                time.sleep(0.05)
                kids = children_of(p.pid)
            expect(len(kids) == 2, f"two SimGrid children run ({kids})")
            p.send_signal(sig)  # to the parent alone
            _, err = p.communicate(timeout=30)
            name = signal.Signals(sig).name
            expect(p.returncode == 1 and err.strip().endswith(
                f"slow.yaml: sweep interrupted by {name}; its simulations stopped, nothing "
                f"written to {out}") and len(err.splitlines()) == 1, f"{name}: {err.strip()!r}")
            time.sleep(0.2)
            alive = [k for k in kids if os.path.exists(f"/proc/{k}")]
            expect(alive == [], f"{name}: no SimGrid child left ({alive})")
            expect(sorted(os.listdir(tmp)) == ["slow.yaml"], f"{name}: no file left")

        # An SMPI export interrupted halfway removes what it wrote.
        export = os.path.join(tmp, "export")
        p = subprocess.Popen([DNNSIM, "taskgraph", "alexnet", "--platform", "crossbar", "--procs",
                              "4096", "--strategy", "batch", "--batch", "4096", "--export", "smpi",
                              export], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        staging = os.path.join(export, ".dnnsim-export")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if os.path.isdir(staging) and len(os.listdir(staging)) > 10:
                break
            time.sleep(0.02)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=30)
        expect(p.returncode == 1 and "export interrupted by SIGINT; nothing written" in err,
               f"export: {err.strip()!r}")
        expect(not os.path.exists(export), "no partial export directory")


if __name__ == "__main__":
    DNNSIM = sys.argv[1]
    globals()[sys.argv[2]]()
