"""The report is one self-contained page: every figure embedded, nothing to fetch."""

import base64
import os
import re
import tempfile
import unittest

import fixtures  # noqa: F401  (puts the repository on sys.path)
from fixtures import LAYERS, SWEEP, TRACE

from analysis import report
from analysis.errors import AnalysisError
from analysis.sweep_csv import SWEEP_COLUMNS


class Report(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.TemporaryDirectory()
        cls.output = os.path.join(cls.directory.name, "report.html")
        status = report.main(["--sweep", SWEEP, "--layers", LAYERS, "--trace", TRACE,
                              "--title", "Fixture study", "--output", cls.output])
        assert status == 0
        with open(cls.output, encoding="utf-8") as handle:
            cls.html = handle.read()

    @classmethod
    def tearDownClass(cls):
        cls.directory.cleanup()

    def test_only_the_page_is_written(self):
        self.assertEqual(os.listdir(self.directory.name), ["report.html"])

    def test_every_figure_is_an_embedded_png(self):
        sources = re.findall(r'<img src="([^"]*)"', self.html)
        # cori-knl: comm-vs-pr + scaling; crossbar (P = 64 only): comm-vs-pr; what-if;
        # two per-layer configurations; the timeline.
        self.assertEqual(len(sources), 7)
        for source in sources:
            self.assertTrue(source.startswith("data:image/png;base64,"))
            png = base64.b64decode(source.split(",", 1)[1])
            self.assertTrue(png.startswith(b"\x89PNG\r\n\x1a\n"))
            self.assertGreater(len(png), 10_000)

    def test_nothing_external(self):
        for pattern in (r"https?://", r"<script", r"<link", r"url\(", r"@import",
                        r'src="(?!data:)'):
            self.assertIsNone(re.search(pattern, self.html), pattern)

    def test_tables_hold_the_speed_ups_computed_by_hand(self):
        self.assertIn("<title>Fixture study</title>", self.html)
        # cori-knl, P = 64: best 16x4 12.5596 ms; batch 63.034 ms (5.02x); model 31.3958 (2.50x).
        self.assertRegex(self.html, r"<td class=\"best\">16x4</td><td class=\"num\">12\.56 ms"
                                    r"</td>.*?<td class=\"num\">5\.02×</td>.*?2\.50×</td>")
        # crossbar, P = 64: 50.976 / 10.5955 = 4.81x, 25.664 / 10.5955 = 2.42x.
        self.assertIn("4.81×", self.html)
        self.assertIn("2.42×", self.html)
        # P = 256 breaks pure batch: shown as impossible, its limit as the tooltip.
        self.assertRegex(self.html, r'title="layer &#x27;conv1&#x27;: batch parallelism '
                                    r'needs Pc &lt;= B')

    def test_an_empty_selection_is_an_error_and_writes_nothing(self):
        output = os.path.join(self.directory.name, "empty.html")
        with self.assertRaisesRegex(AnalysisError, "no configuration has --workload resnet50"):
            report.main(["--sweep", SWEEP, "--workload", "resnet50", "--output", output])
        self.assertFalse(os.path.exists(output))


class ZeroTimes(unittest.TestCase):
    """A workload whose layers cost nothing (one relu) takes 0 s per iteration in dnnsim's
    CSV: the report has no speed-up to give, and must not divide by it."""

    def test_a_report_of_zero_times(self):
        with tempfile.TemporaryDirectory() as directory:
            sweep = os.path.join(directory, "zero.csv")
            rows = []
            for scale in (1, 4):
                for procs, pr, pc, strategy in ((1, 1, 1, "batch"), (2, 1, 2, "batch"),
                                                (2, 2, 1, "model"), (4, 2, 2, "integrated")):
                    rows.append(f"relu-only,crossbar,analytic,4,{procs},{pr},{pc},{strategy},"
                                f"{scale},1,1,0,0,0,0,0,0,0,0,256,false,")
            with open(sweep, "w", encoding="utf-8") as handle:
                handle.write(",".join(SWEEP_COLUMNS) + "\n" + "\n".join(rows) + "\n")
            output = os.path.join(directory, "zero.html")
            self.assertEqual(report.main(["--sweep", sweep, "--output", output]), 0)
            with open(output, encoding="utf-8") as handle:
                html = handle.read()
            self.assertRegex(html, r'<td class="[^"]*muted[^"]*">–</td>')  # no speed-up
            self.assertNotIn("× faster", html)


if __name__ == "__main__":
    unittest.main()
