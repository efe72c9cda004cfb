#!/usr/bin/python3
"""dnnsim against published measurements of Megatron-LM on A100 clusters (docs/validation.md).

usage: published_study.py DNNSIM OUTPUT_DIR [--measurements CSV] [--calibrate ROW]
                          [--simulate-up-to GPUS]

Every row of analysis/published_measurements.csv (Narayanan et al. 2021, Table 1;
Korthikanti et al. 2022, Table 5) becomes a GPT workload of the row's sizes (sequence 2,048,
vocabulary 51,200, fp16, Adam) split as the paper states (tensor x data x pipeline,
micro-batch size, schedule, recomputation, sequence parallelism) on the `dgx-a100` preset,
timed by `dnnsim analytic`. One number is fitted: the preset's `node.efficiency` (the
share of the tensor-core peak training kernels reach), by bisection until the calibration
row (default `korthikanti2022 22B full`: one DGX, so no network between servers and no
pipeline) is matched; every other row is a prediction with that efficiency.

Rows on at most --simulate-up-to GPUs (default 1536: every row but the three largest) are
also replayed by `dnnsim simulate` (column simulated_s, empty for the others): the 145.6 B
row on 1,536 GPUs takes about 2.5 minutes, the 16 replays about 8; the three rows on 1,920
to 3,072 GPUs (16 to 64 stages, up to 512 microbatches) take several minutes each.

Writes OUTPUT_DIR/published.csv (per row: published and predicted time, error),
OUTPUT_DIR/published.png (predicted against published) and OUTPUT_DIR/dgx-a100-fitted.yaml
(the preset with the fitted efficiency), and prints the median and worst error.
"""
import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from analysis.atomic_output import write_text_atomically  # noqa: E402
from analysis.figure_style import new_figure, save_png  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SEQ = 2048
VOCAB = 51200
COLUMNS = ["source", "model", "gpus", "tensor", "data", "pipeline", "batch", "microbatch",
           "schedule", "recompute", "sequence_parallel", "published_s", "predicted_s", "error",
           "published_tflops", "predicted_tflops", "bubble_s", "memory_bytes_per_proc",
           "exceeds_memory", "calibration", "simulated_s", "simulated_error"]


def read_measurements(path):
    with open(path) as f:
        lines = [line for line in f if not line.startswith("#")]
    rows = list(csv.DictReader(lines))
    for r in rows:
        for key in ("layers", "hidden", "heads", "gpus", "tensor", "pipeline", "batch", "microbatch"):
            r[key] = int(r[key])
        r["measured"] = float(r["measured"])
        r["name"] = f"{r['source']} {r['model']} {r['recompute']}"
    return rows


def paper_flops(r):
    """Narayanan et al.'s count of one iteration's FLOPs, recomputation included (their eq. 3)."""
    b, s, l, h = r["batch"], SEQ, r["layers"], r["hidden"]
    return 96 * b * s * l * h * h * (1 + s / (6 * h) + VOCAB / (16 * l * h))


def published_seconds(r):
    if r["unit"] == "iteration_s":
        return r["measured"]
    return paper_flops(r) / (r["measured"] * 1e12 * r["gpus"])


def workload_yaml(r):
    return (f"name: gpt-{r['model']}\ndtype: fp16\nbatch: {r['batch']}\noptimizer: adam\n"
            f"transformer: {{style: gpt, layers: {r['layers']}, hidden: {r['hidden']}, "
            f"heads: {r['heads']}, seq: {SEQ}, vocab: {VOCAB}}}\n")


def platform_with(efficiency, preset_text):
    text, n = re.subn(r"(node: \{flops: [0-9.e+]+, efficiency: )[0-9.e+-]+",
                      lambda m: m.group(1) + repr(efficiency), preset_text)
    if n != 1:
        raise SystemExit("published_study: the dgx-a100 preset has no node.efficiency to fit")
    return text


def run(dnnsim, r, workload, platform, engine="analytic"):
    data = r["gpus"] // (r["tensor"] * r["pipeline"])
    microbatches = r["batch"] // (data * r["microbatch"])
    cmd = [dnnsim, engine, workload, "--platform", platform,
           "--strategy", "tensor" if r["tensor"] > 1 else "batch",
           "--grid", f"{r['tensor']}x{data}x{r['pipeline']}", "--batch", str(r["batch"]),
           "--microbatches", str(microbatches), "--schedule", r["schedule"],
           "--recompute", r["recompute"], "--format", "json"]
    if r["sequence_parallel"] == "true":
        cmd.append("--sequence-parallel")
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"published_study: {r['name']}: {out.stderr.strip()}")
    return data, json.loads(out.stdout)


def fit_efficiency(dnnsim, row, workload, preset_text, tmp):
    """The node.efficiency at which `row` takes its published time (time falls as it grows)."""
    target = published_seconds(row)
    low, high = 0.05, 1.0
    platform = os.path.join(tmp, "fit.yaml")
    for _ in range(40):
        middle = (low + high) / 2
        write_text_atomically(platform, platform_with(middle, preset_text))
        t = run(dnnsim, row, workload, platform)[1]["iteration_s"]
        if abs(t - target) <= 1e-6 * target:
            return middle
        low, high = (low, middle) if t < target else (middle, high)
    return (low + high) / 2


def plot(rows, path):
    figure, axes = new_figure(6.4, 5.2)
    published = [r["published_s"] for r in rows]
    lo, hi = min(published) / 1.5, max(published) * 1.5
    axes.plot([lo, hi], [lo, hi], "-", color="0.3", linewidth=1, label="predicted = published")
    for f, style in [(1.1, ":"), (1.25, "--")]:
        axes.plot([lo, hi], [lo * f, hi * f], style, color="0.6", linewidth=0.8,
                  label=f"±{round(100 * (f - 1))} %")
        axes.plot([lo, hi], [lo / f, hi / f], style, color="0.6", linewidth=0.8)
    for source, marker, label in [("narayanan2021", "o", "Narayanan et al. 2021, Table 1"),
                                  ("korthikanti2022", "s", "Korthikanti et al. 2022, Table 5")]:
        mine = [r for r in rows if r["source"] == source]
        axes.plot([r["published_s"] for r in mine], [r["predicted_s"] for r in mine], marker,
                  label=label, fillstyle="none")
        for r in mine:
            tag = r["model"] + (" SP+sel" if r["recompute"] == "selective" else "") + (" (fitted)" if r["calibration"] else "")
            axes.annotate(tag, (r["published_s"], r["predicted_s"]), fontsize=6,
                          xytext=(3, -8), textcoords="offset points")
    replayed = [r for r in rows if r["simulated_s"] != ""]
    if replayed:
        axes.plot([r["published_s"] for r in replayed], [r["simulated_s"] for r in replayed], "x",
                  color="0.35", markersize=5, label="the same rows replayed by dnnsim simulate")
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlim(lo, hi)
    axes.set_ylim(lo, hi)
    axes.set_xlabel("published iteration time (s)")
    axes.set_ylabel("predicted iteration time (s)")
    axes.set_title("Megatron-LM on DGX A100: dnnsim against published times")
    axes.legend(fontsize=7, loc="upper left")
    save_png(figure, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dnnsim")
    parser.add_argument("output_dir")
    parser.add_argument("--measurements", default=os.path.join(HERE, "published_measurements.csv"))
    parser.add_argument("--calibrate", default="narayanan2021 145.6B full")
    parser.add_argument("--simulate-up-to", type=int, default=1536)
    o = parser.parse_args()
    rows = read_measurements(o.measurements)
    calibration = [r for r in rows if r["name"] == o.calibrate]
    if len(calibration) != 1:
        raise SystemExit(f"published_study: --calibrate {o.calibrate!r} names no single row "
                         f"(rows: {', '.join(r['name'] for r in rows)})")
    with open(os.path.join(os.path.dirname(HERE), "platforms", "dgx-a100.yaml")) as f:
        preset_text = f.read()
    os.makedirs(o.output_dir, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for r in rows:
            r["workload"] = os.path.join(tmp, f"{r['model']}.yaml")
            write_text_atomically(r["workload"], workload_yaml(r))
        efficiency = fit_efficiency(o.dnnsim, calibration[0], calibration[0]["workload"],
                                    preset_text, tmp)
        fitted = os.path.join(o.output_dir, "dgx-a100-fitted.yaml")
        write_text_atomically(fitted, platform_with(efficiency, preset_text))
        out = []
        for r in rows:
            data, result = run(o.dnnsim, r, r["workload"], fitted)
            published, predicted = published_seconds(r), result["iteration_s"]
            out.append({
                "source": r["source"], "model": r["model"], "gpus": r["gpus"],
                "tensor": r["tensor"], "data": data, "pipeline": r["pipeline"],
                "batch": r["batch"], "microbatch": r["microbatch"], "schedule": r["schedule"],
                "recompute": r["recompute"], "sequence_parallel": r["sequence_parallel"],
                "published_s": published, "predicted_s": predicted,
                "error": predicted / published - 1,
                "published_tflops": paper_flops(r) / (published * r["gpus"]) / 1e12,
                "predicted_tflops": paper_flops(r) / (predicted * r["gpus"]) / 1e12,
                "bubble_s": result.get("pipeline", {}).get("bubble_s", 0.0),
                "memory_bytes_per_proc": result["memory_bytes_per_proc"],
                "exceeds_memory": result["exceeds_memory"],
                "calibration": r is calibration[0], "simulated_s": "", "simulated_error": ""})
            if r["gpus"] <= o.simulate_up_to:
                simulated = run(o.dnnsim, r, r["workload"], fitted, "simulate")[1]["iteration_s"]
                out[-1]["simulated_s"] = simulated
                out[-1]["simulated_error"] = simulated / published - 1
    lines = [",".join(COLUMNS)]
    for r in out:
        lines.append(",".join(str(r[c]).lower() if isinstance(r[c], bool) else str(r[c])
                              for c in COLUMNS))
    write_text_atomically(os.path.join(o.output_dir, "published.csv"), "\n".join(lines) + "\n")
    plot(out, os.path.join(o.output_dir, "published.png"))
    predicted = [r for r in out if not r["calibration"]]
    errors = [abs(r["error"]) for r in predicted]
    worst = max(predicted, key=lambda r: abs(r["error"]))
    print(f"node.efficiency fitted on {o.calibrate}: {efficiency:.4f}; {len(predicted)} rows "
          f"predicted: median |error| {100 * statistics.median(errors):.1f} %, worst "
          f"{100 * worst['error']:+.1f} % ({worst['source']} {worst['model']} {worst['recompute']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
