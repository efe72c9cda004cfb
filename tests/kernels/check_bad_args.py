#!/usr/bin/python3
"""Runs dnnsim-kernels under mpirun with bad arguments and checks that it fails cleanly:
every rank exits non-zero, the message is printed once (by rank 0), nothing goes to
stdout, and nothing hangs (a timeout fails the test)."""

import argparse
import re
import subprocess
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mpirun", default="mpirun")
    parser.add_argument("--np", type=int, required=True)
    parser.add_argument("--kernels", required=True)
    parser.add_argument("--message", required=True, help="regular expression expected once")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    o = parser.parse_args()
    args = o.args[1:] if o.args[:1] == ["--"] else o.args
    mpirun = [o.mpirun, "--oversubscribe", "--allow-run-as-root", "-np", str(o.np)]

    # Each rank reports its own exit status (the wrapper itself exits 0, so mpirun does
    # not cut the others short).
    wrapped = subprocess.run(
        mpirun + ["sh", "-c", '"$0" "$@"; echo "rank exit $?" >&2', o.kernels, *args],
        capture_output=True, text=True, timeout=60)
    statuses = [int(s) for s in re.findall(r"rank exit (\d+)", wrapped.stderr)]
    failures = []
    if len(statuses) != o.np or any(s == 0 for s in statuses):
        failures.append(f"rank exit statuses {statuses}, expected {o.np} non-zero")
    if wrapped.stdout.strip():
        failures.append(f"stdout is not empty: {wrapped.stdout!r}")
    found = re.findall(o.message, wrapped.stderr)
    if len(found) != 1:
        failures.append(f"message {o.message!r} found {len(found)} times in:\n{wrapped.stderr}")

    # And mpirun itself reports the failure.
    direct = subprocess.run(mpirun + [o.kernels, *args], capture_output=True, text=True,
                            timeout=60)
    if direct.returncode == 0:
        failures.append("mpirun exited 0")

    if failures:
        print("FAIL:\n  " + "\n  ".join(failures))
        return 1
    print(f"OK: {o.np} ranks exited {statuses}, one message")
    return 0


if __name__ == "__main__":
    sys.exit(main())
