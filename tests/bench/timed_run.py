"""Runs a program for the benchmarks, timing it and measuring its peak memory."""
import os
import subprocess
import tempfile
import time


def timed_run(cmd, cwd=None, stdout_path=None):
    """Runs cmd; returns (stdout, stderr, wall seconds, peak RSS in MiB of it and its
    children). With stdout_path the standard output goes to that file instead (returned
    empty). Raises RuntimeError with the end of the output when cmd fails."""
    start = time.monotonic()
    with tempfile.TemporaryFile(mode="w+") as err:
        out_file = open(stdout_path, "w+") if stdout_path else subprocess.PIPE
        try:
            proc = subprocess.Popen(cmd, cwd=cwd, stdout=out_file, stderr=err, text=True)
            out = proc.stdout.read() if stdout_path is None else ""
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.monotonic() - start
        finally:
            if stdout_path:
                out_file.close()
        err.seek(0)
        log = err.read()
    if status != 0:
        tail = log[-4000:]
        if stdout_path:
            with open(stdout_path) as f:
                tail = f.read()[-4000:] + tail
        else:
            tail = out[-4000:] + tail
        raise RuntimeError(f"{' '.join(cmd)} failed (status {status}):\n{tail}")
    return out, log, wall, usage.ru_maxrss / 1024.0
