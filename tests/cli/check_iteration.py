#!/usr/bin/python3
"""A figure the docs state: `dnnsim ARGS --format json` gives iteration_s within 0.5 % of
EXPECTED seconds (the README prints it rounded).

usage: check_iteration.py DNNSIM EXPECTED_S ARGS...
"""
import json
import subprocess
import sys


def main():
    dnnsim, expected, *args = sys.argv[1:]
    out = subprocess.run([dnnsim, *args, "--format", "json"], check=True, capture_output=True,
                         text=True)
    got = json.loads(out.stdout)["iteration_s"]
    ok = abs(got - float(expected)) <= 0.005 * float(expected)
    print(f"{' '.join(args)}: iteration {got:.6g} s, the docs say {expected} s: "
          f"{'OK' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
