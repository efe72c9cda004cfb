#!/usr/bin/python3
"""The pipeline study of the README: GPT-3 175B at batch 1536 on 1,024 A100s of the
`dgx-a100` preset, tensor 8 with sequence parallelism, full recomputation and ZeRO-1,
timed by the analytic engine for every pipeline depth Pp (data parallelism Pc = 1024 /
(8 Pp)), every number of microbatches m (every divisor of B / Pc from Pp up) and both 1F1B
and interleaved 1F1B (2 chunks per stage).

usage: pipeline_study.py DNNSIM OUTPUT_DIR [--stages 1,2,4,8,16] [--procs 1024]
Writes OUTPUT_DIR/pipeline.csv (one row per configuration) and OUTPUT_DIR/pipeline.png
(iteration time against m, a line per Pp and schedule, configurations that do not fit in
the GPUs' 80 GB hollow).
"""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from analysis.atomic_output import write_text_atomically  # noqa: E402
from analysis.figure_style import log2_axis, new_figure, save_png  # noqa: E402

WORKLOAD = "gpt3-175b"
PLATFORM = "dgx-a100"
BATCH = 1536
TENSOR = 8
OPTIONS = ["--strategy", "tensor", "--sequence-parallel", "--recompute", "full", "--zero", "1"]
COLUMNS = ["pp", "pc", "microbatches", "schedule", "iteration_s", "bubble_s", "mfu",
           "memory_bytes_per_proc", "exceeds_memory"]


def configurations(procs, stages):
    for pp in stages:
        pc = procs // (TENSOR * pp)
        if pc < 1 or TENSOR * pc * pp != procs:
            continue
        replica = BATCH // pc  # samples per replica: m divides it, microbatches whole
        for m in range(pp, replica + 1):
            if replica % m != 0:
                continue
            for schedule in ["1f1b", "interleaved:2"] if pp > 1 else ["1f1b"]:
                yield pp, pc, m, schedule


def evaluate(dnnsim, procs, pp, pc, m, schedule):
    cmd = [dnnsim, "analytic", WORKLOAD, "--platform", PLATFORM, "--batch", str(BATCH),
           "--grid", f"{TENSOR}x{pc}x{pp}", "--microbatches", str(m), "--schedule", schedule,
           "--format", "json", *OPTIONS]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:  # a limit (e.g. blocks the pieces do not divide): skipped
        return None
    r = json.loads(out.stdout)
    return {"pp": pp, "pc": pc, "microbatches": m, "schedule": schedule,
            "iteration_s": r["iteration_s"], "bubble_s": r.get("pipeline", {}).get("bubble_s", 0.0),
            "mfu": r["mfu"], "memory_bytes_per_proc": r["memory_bytes_per_proc"],
            "exceeds_memory": r["exceeds_memory"]}


def plot(rows, path):
    figure, axes = new_figure(7.0, 4.2)
    for pp in sorted({r["pp"] for r in rows}):
        for schedule, style in [("1f1b", "-"), ("interleaved:2", "--")]:
            line = [r for r in rows if r["pp"] == pp and r["schedule"] == schedule]
            if not line:
                continue
            ms = [r["microbatches"] for r in line]
            ts = [r["iteration_s"] for r in line]
            drawn = axes.plot(ms, ts, style, label=f"Pp = {pp}, {schedule}")[0]
            fits = [(m, t) for m, t, r in zip(ms, ts, line) if not r["exceeds_memory"]]
            over = [(m, t) for m, t, r in zip(ms, ts, line) if r["exceeds_memory"]]
            if fits:
                axes.plot(*zip(*fits), "o", color=drawn.get_color())
            if over:
                axes.plot(*zip(*over), "o", color=drawn.get_color(), fillstyle="none")
    log2_axis(axes, [m for m in sorted({r["microbatches"] for r in rows}) if m & (m - 1) == 0])
    axes.set_xlabel("microbatches per replica, m")
    axes.set_ylabel("iteration time (s)")
    axes.set_title(f"{WORKLOAD}, batch {BATCH}, tensor {TENSOR} x data x pipeline Pp")
    axes.legend(ncol=2)
    save_png(figure, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dnnsim")
    parser.add_argument("output_dir")
    parser.add_argument("--stages", default="1,2,4,8,16")
    parser.add_argument("--procs", type=int, default=1024)
    o = parser.parse_args()
    os.makedirs(o.output_dir, exist_ok=True)
    stages = [int(s) for s in o.stages.split(",")]
    rows = [r for c in configurations(o.procs, stages)
            if (r := evaluate(o.dnnsim, o.procs, *c)) is not None]
    if not rows:
        print("pipeline_study: no configuration ran", file=sys.stderr)
        return 1
    lines = [",".join(COLUMNS)]
    for r in rows:
        lines.append(",".join(str(r[c]) for c in COLUMNS))
    write_text_atomically(os.path.join(o.output_dir, "pipeline.csv"), "\n".join(lines) + "\n")
    plot(rows, os.path.join(o.output_dir, "pipeline.png"))
    fits = [r for r in rows if not r["exceeds_memory"]]
    best = min(fits or rows, key=lambda r: r["iteration_s"])
    print(f"{len(rows)} configurations; fastest that fits: Pp = {best['pp']}, Pc = {best['pc']}, "
          f"m = {best['microbatches']}, {best['schedule']}: {best['iteration_s']:.2f} s, bubble "
          f"{best['bubble_s']:.2f} s, MFU {100 * best['mfu']:.1f} %, "
          f"{best['memory_bytes_per_proc'] / 1e9:.1f} GB per GPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
