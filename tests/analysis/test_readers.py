"""The readers of the three inputs: typed values from the fixtures, clear errors otherwise."""

import os
import tempfile
import unittest

import fixtures  # noqa: F401  (puts the repository on sys.path)
from fixtures import LAYERS, SWEEP, TRACE

from analysis.errors import AnalysisError
from analysis.layer_csv import read_layers
from analysis.sweep_csv import SWEEP_COLUMNS, read_sweep
from analysis.trace_file import read_trace


class TempFiles(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.directory.cleanup()

    def write(self, name: str, text: str) -> str:
        path = os.path.join(self.directory.name, name)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        return path


class SweepCsv(TempFiles):
    def test_fields_are_typed(self):
        row = read_sweep(SWEEP)[0]  # alexnet,cori-knl,analytic,64,16,1,16,batch,1,1,1,...
        self.assertEqual((row.workload, row.platform, row.engine, row.batch, row.procs,
                          row.pr, row.pc, row.strategy), ("alexnet", "cori-knl", "analytic",
                                                          64, 16, 1, 16, "batch"))
        self.assertEqual(row.bandwidth_scale, 1.0)
        self.assertAlmostEqual(row.iteration_s, 0.0684174)
        self.assertEqual(row.memory_bytes_per_proc, 904348768)
        self.assertIs(row.exceeds_memory, False)
        self.assertTrue(row.possible and row.is_baseline)

    def test_a_quoted_error_with_commas_is_one_field(self):
        row = next(r for r in read_sweep(SWEEP) if r.error)
        self.assertEqual(row.grid, "8x2")
        self.assertEqual(row.error, "layer 'pool5': domain parallelism needs at least one output "
                                    "row per process, Pr <= H_out (Pr = 8, H_out = 6)")
        self.assertIsNone(row.iteration_s)

    def test_a_missing_column_is_named(self):
        header = ",".join(c for c in SWEEP_COLUMNS if c != "halo_s")
        path = self.write("bad.csv", header + "\n")
        with self.assertRaisesRegex(AnalysisError, r"bad.csv:1: not a sweep CSV: the header "
                                                   r"lacks halo_s"):
            read_sweep(path)

    def test_a_bad_number_names_file_line_and_column(self):
        with open(SWEEP, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
        lines[2] = lines[2].replace("0.0382724", "fast", 1)
        path = self.write("typo.csv", "\n".join(lines) + "\n")
        with self.assertRaisesRegex(AnalysisError,
                                    r"typo.csv:3: column iteration_s: expected a number, "
                                    r"got 'fast'"):
            read_sweep(path)

    def test_a_row_without_error_needs_its_times(self):
        path = self.write("empty-times.csv", ",".join(SWEEP_COLUMNS) + "\n"
                          "alexnet,crossbar,analytic,64,4,2,2,integrated,1,1,1,,,,,,,,,,false,\n")
        with self.assertRaisesRegex(AnalysisError, r"empty-times.csv:2: column iteration_s is "
                                                   r"empty but the row has no error"):
            read_sweep(path)

    def test_a_grid_must_hold_p(self):
        path = self.write("grid.csv", ",".join(SWEEP_COLUMNS) + "\n"
                          "alexnet,crossbar,analytic,64,8,2,2,integrated,1,1,1,"
                          "1,1,0,0,0,0,0,0,1,false,\n")
        with self.assertRaisesRegex(AnalysisError, r"grid 2x2 does not hold P = 8"):
            read_sweep(path)

    def test_counts_lie_between_1_and_2_to_the_40(self):
        for procs in ("0", "-4", str(2**40 + 1), "4.0"):
            path = self.write("count.csv", ",".join(SWEEP_COLUMNS) + "\n"
                              f"alexnet,crossbar,analytic,64,{procs},1,4,batch,1,1,1,"
                              "1,1,0,0,0,0,0,0,1,false,\n")
            with self.assertRaisesRegex(AnalysisError, r"count.csv:2: column procs: expected an "
                                                       rf"integer from 1 to 2\^40, got '{procs}'"):
                read_sweep(path)

    def test_a_missing_file(self):
        with self.assertRaisesRegex(AnalysisError, r"nowhere.csv: cannot read the sweep CSV"):
            read_sweep(os.path.join(self.directory.name, "nowhere.csv"))


class LayerCsv(TempFiles):
    def test_two_configurations_in_workload_order(self):
        rows = read_layers(LAYERS)
        self.assertEqual(len(rows), 44)
        configs = sorted({r.config for r in rows})
        self.assertEqual([(c.grid, c.strategy) for c in configs],
                         [("4x16", "hybrid"), ("8x8", "integrated")])
        integrated = [r for r in rows if r.config.strategy == "integrated"]
        self.assertEqual([r.layer for r in integrated if r.comm_s > 0],
                         ["conv1", "conv2", "conv3", "conv4", "conv5", "fc6", "fc7", "fc8"])
        fc6 = next(r for r in integrated if r.layer == "fc6")
        self.assertAlmostEqual(fc6.gradient_s, 0.004137016)
        self.assertEqual(fc6.comm_bytes, 19302400)

    def test_repeated_headers_of_concatenated_outputs_are_skipped(self):
        with open(LAYERS, encoding="utf-8") as handle:
            text = handle.read()
        path = self.write("twice.csv", text + text)
        self.assertEqual(len(read_layers(path)), 88)


class TraceFile(TempFiles):
    def test_spans_in_seconds_per_rank(self):
        trace = read_trace(TRACE)
        self.assertEqual(trace.title, "mlp on crossbar, P = 4 (2x2, integrated)")
        self.assertEqual(trace.ranks, [0, 1, 2, 3])
        self.assertEqual(trace.rank_names[2], "rank 2")
        # Per rank: 3 forward computes + 3 all-gathers, 3 backward computes,
        # 2 reduce-scatters, 3 gradient all-reduces.
        self.assertEqual(len(trace.spans), 4 * 14)
        first = trace.spans[0]
        self.assertEqual((first.rank, first.name, first.category), (0, "fc1 forward", "compute"))
        self.assertAlmostEqual(first.end_s, 96e-6)
        self.assertAlmostEqual(trace.end_s, 638.2e-6)

    def test_not_a_trace(self):
        path = self.write("list.json", '{"events": []}')
        with self.assertRaisesRegex(AnalysisError, r"expected \{\"traceEvents\""):
            read_trace(path)
        path = self.write("broken.json", '{"traceEvents": [')
        with self.assertRaisesRegex(AnalysisError, r"not a JSON trace file"):
            read_trace(path)

    def test_json_python_cannot_hold(self):
        # Deeper than the parser's stack, an integer past Python's digit limit, Infinity.
        for name, text in (("deep.json", "[" * 100_000),
                           ("digits.json", '[{"ph": "X", "ts": 1' + "0" * 5000 + ', "dur": 1}]')):
            path = self.write(name, text)
            with self.assertRaisesRegex(AnalysisError, rf"{name}: not a JSON trace file"):
                read_trace(path)
        path = self.write("inf.json", '[{"ph": "X", "ts": 0, "dur": Infinity}]')
        with self.assertRaisesRegex(AnalysisError, r"inf.json: traceEvents\[0\]: 'dur' must be "
                                                   r"a finite number, got inf"):
            read_trace(path)


if __name__ == "__main__":
    unittest.main()
