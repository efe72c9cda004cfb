"""Model files that fail in the user's code, for tests/import/check_import_failures.py.

Each function is a FUNCTION of `dnnsim import failing_models.py:FUNCTION`. The looping
ones write "PID SLEEPER_PID" (the importer's Python process, and a process it started) to
the file $DNNSIM_TEST_MARK once they are running, so that the test knows when to interrupt
and what must be gone afterwards.
"""

import os
import subprocess
import sys
import time

from torch import nn


def build():
    raise ValueError("bad width")


def calls_sys_exit():
    sys.exit(3)


def calls_exit():
    exit()  # the site builtin: a SystemExit too


def needs_width(width, depth=2):
    return nn.Linear(width, depth)


class ExitingForward(nn.Module):
    def forward(self, x):
        sys.exit("no forward today")


def exits_in_forward():
    return ExitingForward()


def _running():
    sleeper = subprocess.Popen(["sleep", "600"])
    with open(os.environ["DNNSIM_TEST_MARK"] + ".part", "w", encoding="utf-8") as out:
        out.write(f"{os.getpid()} {sleeper.pid}\n")
    os.rename(os.environ["DNNSIM_TEST_MARK"] + ".part", os.environ["DNNSIM_TEST_MARK"])


def forever():
    _running()
    while True:
        pass


def stubborn():
    """Swallows KeyboardInterrupt: only SIGKILL ends it."""
    _running()
    while True:
        try:
            time.sleep(0.1)
        except KeyboardInterrupt:
            pass
