"""Atomic output: a file appears whole or not at all.

Every script writes its result (a PNG, the HTML report) into a temporary file in the
destination's directory and renames it onto the destination only when writing
succeeded. A failure part-way (an exception, an interrupted run) removes the temporary
file and leaves any previous version of the destination untouched.

    with atomic_output("plots/scaling.png") as temp_path:
        figure.savefig(temp_path, format="png")
"""

import contextlib
import os
import tempfile

from analysis.errors import AnalysisError


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_output(path: str):
    """Yields a temporary path next to `path`; renames it onto `path` if the block succeeds."""
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise AnalysisError(f"{path}: the directory {directory} does not exist")
    fd, temp_path = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp",
                                     dir=directory)
    os.close(fd)
    try:
        yield temp_path
        # mkstemp creates the file readable by its owner only; give it the usual mode.
        os.chmod(temp_path, 0o666 & ~_current_umask())
        os.replace(temp_path, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_path)
        raise


def write_text_atomically(path: str, text: str) -> None:
    """Writes `text` (UTF-8) to `path` through a temporary file renamed on success."""
    try:
        with atomic_output(path) as temp_path:
            with open(temp_path, "w", encoding="utf-8") as out:
                out.write(text)
    except OSError as error:
        raise AnalysisError(f"{path}: cannot write: {error.strerror}") from error
