#!/usr/bin/python3
"""`dnnsim calibrate` end to end: it runs mpirun dnnsim-kernels --calibrate, writes a
platform file atomically (nothing else left beside it), and the simulator takes that file.
The measured values must be physically plausible for one core and shared memory."""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dnnsim", required=True)
    parser.add_argument("--kernels", required=True)
    o = parser.parse_args()
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
        if failures:
            print("FAIL:\n  " + "\n  ".join(failures) + "\n" + text)
            return 1
    print(f"OK: {values}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
