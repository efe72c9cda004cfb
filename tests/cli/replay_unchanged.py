#!/usr/bin/python3
"""The SimGrid replay's shortcuts change no simulated time: every line of TIMES (iteration_s,
then the arguments of `dnnsim simulate`, as the plain replay gave them) must come out within
1e-9 relative.

usage: replay_unchanged.py DNNSIM TIMES
"""
import json
import shlex
import subprocess
import sys


def main():
    dnnsim, times = sys.argv[1:]
    failures = 0
    with open(times, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            expected, *args = shlex.split(line)
            out = subprocess.run([dnnsim, "simulate", *args, "--format", "json"], check=True,
                                 capture_output=True, text=True)
            got = json.loads(out.stdout)["iteration_s"]
            ok = abs(got - float(expected)) <= 1e-9 * float(expected)
            failures += not ok
            print(f"{' '.join(args)}: {got!r} s, plain replay {expected} s: "
                  f"{'OK' if ok else 'FAIL'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
