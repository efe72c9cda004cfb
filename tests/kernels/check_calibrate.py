#!/usr/bin/python3
"""`dnnsim calibrate` end to end: it runs mpirun dnnsim-kernels --calibrate, writes a
platform file atomically (nothing else left beside it), and the simulator takes that file.
The measured values must be physically plausible for one core and shared memory. With
--kernel-efficiency, node.efficiency must be min(1, predicted / measured compute time) of
the single-process runs it reports, the predicted time being what `dnnsim analytic` gives
at efficiency 1 on that platform.

With --workload FILE, only `--shapes-from FILE --kernel-efficiency` on a workload of one's
own, whose name is no preset: every run calibrate starts must get the file, and the
platform and the measurements must name both the workload and its file."""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile


def check_efficiency(o, tmp):
    platform = os.path.join(tmp, "cnn.yaml")
    measurements = os.path.join(tmp, "cnn.json")
    done = subprocess.run([o.dnnsim, "calibrate", "--kernels", o.kernels, "--output", platform,
                           "--measurements", measurements, "--batch", "8", "--shapes-from",
                           "small-cnn", "--kernel-efficiency", "--iterations", "3"],
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        return [f"calibrate --kernel-efficiency exited {done.returncode}: {done.stderr}"]
    text = open(platform).read()
    k = json.load(open(measurements))["kernel_efficiency"]
    failures = []
    if [r["workload"] for r in k["runs"]] != ["small-cnn"] or k["iterations"] != 3:
        failures.append(f"efficiency runs {k}")
    run = k["runs"][0]
    expected = min(1.0, run["predicted_compute_s"] / run["measured_compute_s"])
    written = float(re.search(r"efficiency: ([0-9.e+-]+)", text).group(1))
    if abs(written - expected) > 1e-4 or abs(k["efficiency"] - expected) > 1e-9:
        failures.append(f"efficiency {written} (JSON {k['efficiency']}), expected {expected}")
    # The prediction is the analytic engine's compute time at efficiency 1 on one process.
    plain = os.path.join(tmp, "cnn-plain.yaml")
    open(plain, "w").write(re.sub(r"efficiency: [0-9.e+-]+", "efficiency: 1.0", text))
    analytic = subprocess.run([o.dnnsim, "analytic", "small-cnn", "--platform", plain, "--procs",
                               "1", "--strategy", "batch", "--batch", "8", "--format", "json"],
                              capture_output=True, text=True)
    if analytic.returncode != 0:
        return failures + [f"analytic on the calibrated platform: {analytic.stderr}"]
    predicted = json.loads(analytic.stdout)["compute_s"]
    if abs(predicted - run["predicted_compute_s"]) > 1e-9 * predicted:
        failures.append(f"predicted compute {run['predicted_compute_s']}, analytic says {predicted}")
    if not 0 < run["measured_compute_s"] < 10:
        failures.append(f"measured compute {run['measured_compute_s']} s")
    if "measured" not in text or "small-cnn" not in text:
        failures.append("the header does not say what the efficiency comes from")
    return failures


def check_workload_file(o, tmp):
    platform = os.path.join(tmp, "own.yaml")
    measurements = os.path.join(tmp, "own.json")
    done = subprocess.run([o.dnnsim, "calibrate", "--kernels", o.kernels, "--output", platform,
                           "--measurements", measurements, "--batch", "8", "--shapes-from",
                           o.workload, "--kernel-efficiency", "--iterations", "1"],
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        return [f"calibrate --shapes-from {o.workload} exited {done.returncode}: {done.stderr}"]
    if sorted(os.listdir(tmp)) != ["own.json", "own.yaml"]:
        return [f"left behind {sorted(os.listdir(tmp))}"]
    path = os.path.abspath(o.workload)
    text = open(platform).read()
    m = json.load(open(measurements))
    failures = []
    # tests/data/kernels-own-net.yaml at batch 8: conv1 is 8 filters of 3x3x3 (k = 27) over
    # 8 samples of 16x16 outputs (n = 2048), forward and weight gradient (nothing upstream
    # needs its input gradient); fc takes 8x8x8 = 512 features to 10, forward, weight
    # gradient and input gradient.
    expected = [("conv1", "forward", 8, 2048, 27), ("conv1", "weight_grad", 8, 27, 2048),
                ("fc", "forward", 8, 10, 512), ("fc", "weight_grad", 10, 512, 8),
                ("fc", "input_grad", 8, 512, 10)]
    shapes = m["gemm"]["shapes"]
    got = [(s["layer"], s["pass"], s["m"], s["n"], s["k"]) for s in shapes]
    if got != expected:
        failures.append(f"GEMM shapes {got}, expected {expected}")
    named = {(s["workload"], s["file"]) for s in shapes}
    if named != {("my-own-net", path)}:
        failures.append(f"the shapes name {named}, expected my-own-net and {path}")
    k = m["kernel_efficiency"]
    runs = [(r["workload"], r["file"]) for r in k["runs"]]
    if runs != [("my-own-net", path)] or k["iterations"] != 1:
        failures.append(f"efficiency runs {runs}, {k['iterations']} iterations")
    run = k["runs"][0]
    expected_efficiency = min(1.0, run["predicted_compute_s"] / run["measured_compute_s"])
    written = float(re.search(r"efficiency: ([0-9.e+-]+)", text).group(1))
    if abs(written - expected_efficiency) > 1e-4:
        failures.append(f"efficiency {written}, expected {expected_efficiency}")
    # The prediction is the analytic engine's on the same file.
    plain = os.path.join(tmp, "plain.yaml")
    open(plain, "w").write(re.sub(r"efficiency: [0-9.e+-]+", "efficiency: 1.0", text))
    analytic = subprocess.run([o.dnnsim, "analytic", o.workload, "--platform", plain, "--procs",
                               "1", "--strategy", "batch", "--batch", "8", "--format", "json"],
                              capture_output=True, text=True)
    if analytic.returncode != 0:
        return failures + [f"analytic on the calibrated platform: {analytic.stderr}"]
    predicted = json.loads(analytic.stdout)["compute_s"]
    if abs(predicted - run["predicted_compute_s"]) > 1e-9 * predicted:
        failures.append(f"predicted compute {run['predicted_compute_s']}, analytic says {predicted}")
    for said in (f"one training iteration of my-own-net ({path}) makes at batch 8",
                 "\n#   my-own-net: "):
        if said not in text:
            failures.append(f"the platform's header does not say {said!r}")
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dnnsim", required=True)
    parser.add_argument("--kernels", required=True)
    parser.add_argument("--workload", help="a workload file whose name is no preset")
    o = parser.parse_args()
    if o.workload:
        with tempfile.TemporaryDirectory() as tmp:
            failures = check_workload_file(o, tmp)
        if failures:
            print("FAIL:\n  " + "\n  ".join(failures))
            return 1
        print(f"OK: calibrated on {o.workload}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        platform = os.path.join(tmp, "local.yaml")
        measurements = os.path.join(tmp, "m.json")
        done = subprocess.run([o.dnnsim, "calibrate", "--kernels", o.kernels, "--output", platform,
                               "--measurements", measurements, "--batch", "8"],
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            sys.exit(f"FAIL: calibrate exited {done.returncode}: {done.stderr}")
        if sorted(os.listdir(tmp)) != ["local.yaml", "m.json"]:
            sys.exit(f"FAIL: left behind {sorted(os.listdir(tmp))}")
        text = open(platform).read()
        values = {k: float(v) for k, v in re.findall(r"(flops|memory|latency|bandwidth): ([0-9.e+-]+)", text)}
        failures = []
        # One core: between 0.1 and 1000 GFLOP/s; shared memory: 10 ns to 100 us, 10 MB/s to 1 TB/s.
        if not 1e8 < values.get("flops", 0) < 1e12:
            failures.append(f"flops {values.get('flops')}")
        if not 1e-8 < values.get("latency", 0) < 1e-4:
            failures.append(f"latency {values.get('latency')}")
        if not 1e7 < values.get("bandwidth", 0) < 1e12:
            failures.append(f"bandwidth {values.get('bandwidth')}")
        if "topology: crossbar" not in text or f"nodes: {os.cpu_count()}" not in text:
            failures.append("not a crossbar of one node per core")
        m = json.load(open(measurements))
        if len(m["pingpong"]["points"]) < 5 or not m["gemm"]["shapes"]:
            failures.append("measurements missing")
        run = subprocess.run([o.dnnsim, "analytic", "mlp", "--platform", platform, "--procs", "2",
                              "--strategy", "batch", "--batch", "8"], capture_output=True, text=True)
        if run.returncode != 0:
            failures.append(f"the simulator refuses the platform: {run.stderr}")
        failures += check_efficiency(o, tmp)
        if failures:
            print("FAIL:\n  " + "\n  ".join(failures) + "\n" + text)
            return 1
    print(f"OK: {values}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
