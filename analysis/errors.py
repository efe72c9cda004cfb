"""Errors: the one exception the analysis scripts report to the user.

An `AnalysisError` is a problem with the user's input (a missing file, a CSV without the
contract's columns, a selection that holds no configuration or several where one is
needed). The command-line scripts print its message on one line, prefixed with the
script's name, and exit with status 1: no traceback, nothing half-written.
"""
import os
import stat


class AnalysisError(Exception):
    """A problem with the input, worded for the user; the scripts exit with status 1."""


# The largest input the scripts read: a sweep of a million rows is about 300 MB of CSV.
MAX_INPUT_BYTES = 1 << 30


def require_input_file(path: str, kind: str) -> None:
    """Refuses what is not a regular file of at most MAX_INPUT_BYTES (a device such as
    /dev/zero or a FIFO would be read forever)."""
    try:
        info = os.stat(path)
    except OSError as error:
        raise AnalysisError(f"{path}: cannot read the {kind}: {error.strerror}") from error
    if stat.S_ISDIR(info.st_mode):
        raise AnalysisError(f"{path}: expected a {kind} file, got a directory")
    if not stat.S_ISREG(info.st_mode):
        raise AnalysisError(f"{path}: is not a regular file (a device, FIFO or socket); "
                            f"expected a {kind} file")
    if info.st_size > MAX_INPUT_BYTES:
        raise AnalysisError(f"{path}: is {info.st_size} bytes; the scripts read {kind} files "
                            f"of up to {MAX_INPUT_BYTES} bytes (1 GiB)")
