"""Outputs appear whole or not at all: a failure leaves no file and no temporary behind."""

import os
import re
import tempfile
import unittest

import fixtures  # noqa: F401  (puts the repository on sys.path)

from analysis.atomic_output import atomic_output, write_text_atomically
from analysis.errors import AnalysisError


class AtomicOutput(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.directory.name, "figure.png")

    def tearDown(self):
        self.directory.cleanup()

    def test_success_renames_the_temporary_onto_the_destination(self):
        write_text_atomically(self.path, "whole")
        with open(self.path, encoding="utf-8") as handle:
            self.assertEqual(handle.read(), "whole")
        self.assertEqual(os.listdir(self.directory.name), ["figure.png"])
        self.assertEqual(os.stat(self.path).st_mode & 0o044, 0o044 & ~_umask())

    def test_failure_leaves_nothing(self):
        with self.assertRaises(RuntimeError):
            with atomic_output(self.path) as temp_path:
                with open(temp_path, "w", encoding="utf-8") as handle:
                    handle.write("half")
                raise RuntimeError("drawing failed")
        self.assertEqual(os.listdir(self.directory.name), [])

    def test_failure_keeps_the_previous_version(self):
        write_text_atomically(self.path, "old")
        with self.assertRaises(RuntimeError):
            with atomic_output(self.path) as temp_path:
                with open(temp_path, "w", encoding="utf-8") as handle:
                    handle.write("new, half")
                raise RuntimeError("drawing failed")
        with open(self.path, encoding="utf-8") as handle:
            self.assertEqual(handle.read(), "old")
        self.assertEqual(os.listdir(self.directory.name), ["figure.png"])

    def test_a_missing_directory_is_an_input_error(self):
        with self.assertRaisesRegex(AnalysisError, "does not exist"):
            write_text_atomically(os.path.join(self.directory.name, "no", "x.html"), "")


class OneWriter(unittest.TestCase):
    """The Python code writes its files through this module only: a copy of the logic (a
    fixed `.tmp` name, a file opened for writing in place) is how half-written or stale
    temporary files come back."""

    WRITES = re.compile(r"""\bopen\(.*,\s*["'][wax]b?\+?["']|mkstemp|NamedTemporaryFile""")

    def test_no_other_module_opens_a_file_for_writing(self):
        sources = [p for folder in ("analysis", "analysis/importer", "scripts")
                   for p in sorted((fixtures.ROOT / folder).glob("*.py"))
                   if p.name != "atomic_output.py"]
        self.assertGreater(len(sources), 20)
        writers = []
        for path in sources:
            lines = path.read_text(encoding="utf-8").splitlines()
            for number, line in enumerate(lines, 1):
                # Allowed only on the temporary path atomic_output() yields, the line before.
                if self.WRITES.search(line) and "atomic_output(" not in lines[number - 2]:
                    writers.append(f"{path.relative_to(fixtures.ROOT)}:{number}")
        self.assertEqual(writers, [])


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


if __name__ == "__main__":
    unittest.main()
