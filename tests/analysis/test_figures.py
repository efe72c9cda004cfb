"""What the figures show, measured in the figures themselves with matplotlib's renderer.

Text boxes are read back from the drawn figure (display pixels, as in the 120 dpi PNG):
tick labels must not overlap, star labels must not overlap each other, a marker or the
axes' edges, span labels must lie inside their span. Figures are drawn without saving
(`draw_*`), or caught on their way to `save_png` when a script draws them.
"""

import csv
import os
import tempfile
import unittest
from unittest import mock

import fixtures  # noqa: F401  (puts the repository on sys.path)
from fixtures import DATA, LAYERS, SWEEP, TRACE

import matplotlib.pyplot as plt

from analysis import plot, report
from analysis import comm_vs_pr_plot
from analysis.comm_vs_pr_plot import draw_comm_vs_pr, shared_comm_axes
from analysis.errors import AnalysisError
from analysis.figure_style import contrast
from analysis.layer_breakdown_plot import draw_layer_breakdown
from analysis.layer_csv import LayerRow, describe_layers, read_layers
from analysis.selection import best_grid_per_procs, matching
from analysis.study import studies
from analysis.sweep_csv import read_sweep
from analysis.timeline_plot import draw_timeline
from analysis.trace_file import Span, Trace, read_trace

PLAN_LAYERS = str(DATA / "layers-plan.csv")  # an optimizer's plan: a grid per layer
PAPER_SWEEP = str(DATA / "sweep-paper.csv")  # make demo's AlexNet study, both engines


def renderer_of(figure):
    figure.canvas.draw()
    return figure.canvas.get_renderer()


def overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def inside(box, frame) -> bool:
    return (frame.x0 <= box.x0 and box.x1 <= frame.x1
            and frame.y0 <= box.y0 and box.y1 <= frame.y1)


class Figures(unittest.TestCase):
    def tearDown(self):
        plt.close("all")


def layer_rows(names: list[str], kinds: list[str] | None = None) -> list[LayerRow]:
    """Rows of one made-up configuration, every layer communicating."""
    template = read_layers(LAYERS)[0]
    kinds = kinds or ["integrated"] * len(names)
    return [LayerRow(template.config, name, "conv2d", kind, 1e-3, 1e-3 * (1 + i % 5),
                     5e-4, 5e-4 * (1 + i % 5), 0.0, 0.0, 0.0, 1e6, 8, 8)
            for i, (name, kind) in enumerate(zip(names, kinds))]


def resnet50_names() -> list[str]:
    """The convolutions of ResNet-50 (workloads/resnet50.yaml), as named there."""
    names = ["conv1"]
    for stage, blocks in enumerate((3, 4, 6, 3), start=1):
        for block in range(blocks):
            names += [f"layer{stage}.{block}.conv{k}" for k in (1, 2, 3)]
            if block == 0:
                names.append(f"layer{stage}.{block}.downsample.0")
    return names + ["fc"]


class LayerTickLabels(Figures):
    def tick_boxes(self, figure):
        renderer = renderer_of(figure)
        axis = figure.axes[0]
        labels = [t for t in axis.get_xticklabels() if t.get_text()]
        return labels, [t.get_window_extent(renderer) for t in labels]

    def assert_no_overlap(self, figure):
        labels, boxes = self.tick_boxes(figure)
        self.assertTrue(boxes)
        for (a, box_a), (b, box_b) in zip(zip(labels, boxes), zip(labels[1:], boxes[1:])):
            self.assertLessEqual(box_a.x1, box_b.x0,
                                 f"{a.get_text()!r} overlaps {b.get_text()!r}")
        width, height = figure.canvas.get_width_height()
        for label, box in zip(labels, boxes):
            self.assertTrue(0 <= box.x0 and box.x1 <= width and 0 <= box.y0,
                            f"{label.get_text()!r} leaves the figure")
        return labels

    def test_alexnet_labels_do_not_overlap(self):
        rows = read_layers(LAYERS)
        for strategy in ("integrated", "hybrid"):
            mine = [r for r in rows if r.config.strategy == strategy]
            labels = self.assert_no_overlap(draw_layer_breakdown(mine))
            # Every layer that communicates, named.
            self.assertEqual([t.get_text().split("\n")[0] for t in labels],
                             [r.layer for r in mine if r.comm_s > 0])
        # Hybrid: conv layers domain, linear integrated, all on 4x16 (said once).
        self.assertEqual(labels[0].get_text(), "conv1\ndomain")
        self.assertEqual(labels[-1].get_text(), "fc8\nintegrated")

    def test_resnet50_labels_do_not_overlap_and_all_show(self):
        names = resnet50_names()
        kinds = ["domain"] * (len(names) - 1) + ["integrated"]
        labels = self.assert_no_overlap(draw_layer_breakdown(layer_rows(names, kinds)))
        self.assertEqual(len(labels), len(names))
        self.assertIn("layer4.0.downsample.0 (domain)", [t.get_text() for t in labels])

    def test_a_very_long_network_is_thinned_not_overlapped(self):
        names = [f"block{i // 10}.sublayer{i % 10}.projection" for i in range(400)]
        labels = self.assert_no_overlap(draw_layer_breakdown(layer_rows(names)))
        self.assertLess(len(labels), 400)
        self.assertGreater(len(labels), 20)


class PerLayerGrids(Figures):
    def test_each_layer_is_labelled_with_its_own_grid(self):
        figure = draw_layer_breakdown(read_layers(PLAN_LAYERS))
        axis = figure.axes[0]
        renderer_of(figure)
        labels = {t.get_text().split("\n")[0]: t.get_text() for t in axis.get_xticklabels()}
        self.assertEqual(labels["conv1"], "conv1\nbatch\n1x64")
        self.assertEqual(labels["conv3"], "conv3\nintegrated\n2x32")
        self.assertEqual(labels["fc6"], "fc6\nintegrated\n32x2")
        self.assertEqual(labels["fc8"], "fc8\nintegrated\n16x4")
        # The run's 1x64 (the plan's default grid) is not claimed for all layers.
        self.assertIn("P = 64 with a grid per layer (plan)", axis.get_title(loc="left"))

    def test_layer_grid_columns_are_read(self):
        rows = {r.layer: r for r in read_layers(PLAN_LAYERS)}
        self.assertEqual(rows["fc7"].config.grid, "1x64")
        self.assertEqual((rows["fc7"].layer_pr, rows["fc7"].layer_pc), (32, 2))
        self.assertEqual(rows["relu3"].layer_grid, "2x32")

    def test_without_the_columns_a_uniform_run_falls_back_to_its_grid(self):
        rows = read_layers(LAYERS)
        self.assertEqual({(r.config.grid, r.layer_grid) for r in rows},
                         {("8x8", "8x8"), ("4x16", "4x16")})
        figure = draw_layer_breakdown([r for r in rows if r.config.strategy == "integrated"])
        self.assertIn("every one integrated on 8x8", figure.axes[0].get_xlabel())
        figure = draw_layer_breakdown([r for r in rows if r.config.strategy == "hybrid"])
        self.assertIn("(and its parallelism kind; every one on 4x16)",
                      figure.axes[0].get_xlabel())

    def test_without_the_columns_a_plan_names_only_the_grids_it_knows(self):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "old.csv")
            with open(PLAN_LAYERS, encoding="utf-8") as source, \
                    open(path, "w", encoding="utf-8", newline="") as target:
                csv.writer(target, lineterminator="\n").writerows(
                    line[:-2] for line in csv.reader(source))
            rows = {r.layer: r for r in read_layers(path)}
        self.assertEqual(rows["conv1"].layer_grid, "1x64")  # batch is 1 x P whatever the plan
        self.assertIsNone(rows["conv3"].layer_grid)  # not the plan's default 1x64
        self.assertIn("a plan with default grid 1x64", describe_layers(list(rows.values())))

    def test_old_and_new_outputs_concatenated(self):
        with open(LAYERS, encoding="utf-8") as old, open(PLAN_LAYERS, encoding="utf-8") as new:
            text = old.read() + new.read()
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "both.csv")
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(text)
            rows = read_layers(path)
        self.assertEqual(len(rows), 44 + 22)
        self.assertEqual(rows[-1].layer_grid, "16x4")
        self.assertEqual(rows[0].layer_grid, "8x8")

    def test_a_layer_grid_must_hold_p(self):
        with open(PLAN_LAYERS, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
        lines[3] = lines[3][: -len("1,64")] + "2,64"
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "bad.csv")
            with open(path, "w", encoding="utf-8") as handle:
                handle.write("\n".join(lines) + "\n")
            with self.assertRaisesRegex(AnalysisError, r"bad.csv:4: columns layer_pr, "
                                                   r"layer_pc and procs: grid 2x64 does not "
                                                   r"hold P = 64"):
                read_layers(path)


def span_texts(figure) -> list:
    axis = figure.axes[0]
    return [t for t in axis.texts if t.get_text()]


class TimelineLabels(Figures):
    def spans_and_labels(self, trace: Trace, ranks: int = 16):
        figure = draw_timeline(trace, ranks)
        renderer = renderer_of(figure)
        axis = figure.axes[0]
        boxes = []  # each span's box in pixels, and its colour
        for collection in axis.collections:
            color = collection.get_facecolor()[0]
            for path in collection.get_paths():
                boxes.append((path.get_extents(collection.get_transform()), color))
        labels = [(t, t.get_window_extent(renderer)) for t in span_texts(figure)]
        return boxes, labels

    def assert_labels_fit(self, trace: Trace, ranks: int = 16) -> list[str]:
        boxes, labels = self.spans_and_labels(trace, ranks)
        names = {s.name for s in trace.spans} | {s.layer for s in trace.spans}
        self.assertTrue(labels, "no span carries a label")
        for text, box in labels:
            self.assertIn(text.get_text(), names)
            holders = [(b, c) for b, c in boxes if inside(box, b)]
            self.assertEqual(len(holders), 1, f"{text.get_text()!r} is not inside one span")
            self.assertGreaterEqual(contrast(text.get_color(), holders[0][1]), 4.5,
                                    f"{text.get_text()!r} is hard to read on its span")
        return [t.get_text() for t, _ in labels]

    def test_span_labels_fit_inside_their_spans(self):
        texts = self.assert_labels_fit(read_trace(TRACE))
        self.assertIn("fc1 forward", texts)  # the whole name where it fits
        self.assertIn("fc2", texts)  # the layer where only that fits (fc2 backward reduce...)

    def test_many_ranks_are_labelled_too(self):
        base = read_trace(TRACE)
        spans = [Span(rank=4 * k + s.rank, name=s.name, category=s.category,
                      start_s=s.start_s, end_s=s.end_s) for k in range(4) for s in base.spans]
        texts = self.assert_labels_fit(Trace("16 ranks", {}, spans))
        layers = {t.split(" ")[0] for t in texts}
        self.assertEqual(layers, {"fc1", "fc2", "fc3"})
        self.assertGreaterEqual(len(texts), 16 * 4)

    def test_a_span_too_narrow_for_any_name_has_none(self):
        spans = [Span(0, "conv1 forward", "compute", 0.0, 1.0),
                 Span(0, "conv2 forward", "compute", 1.0, 1.0005)]
        texts = self.assert_labels_fit(Trace("", {}, spans), 1)
        self.assertEqual(texts, ["conv1 forward"])

    def test_the_layer_of_each_task_name(self):
        # The forms of sim/engine/replay.cpp's task_name.
        for name, layer in (("conv2 forward", "conv2"), ("fc8 weight gradient", "fc8"),
                            ("fc8 input gradient", "fc8"), ("fc6 gradient allreduce", "fc6"),
                            ("fc3 backward reduce-scatter", "fc3"),
                            ("conv1 backward halo", "conv1"), ("fc6 redistribute", "fc6"),
                            ("layer1.0.downsample.0 forward allgather", "layer1.0.downsample.0"),
                            ("block 1 forward", "block 1"), ("a forward forward", "a forward"),
                            ("allreduce", None), ("", None)):
            self.assertEqual(Span(0, name, "comm", 0.0, 1.0).layer, layer, name)


def paper_rows():
    return read_sweep(PAPER_SWEEP)


class StarLabels(Figures):
    def assert_clear(self, figure, expected: set[str]):
        renderer = renderer_of(figure)
        axis = figure.axes[0]
        frame = axis.get_window_extent(renderer)
        labels = list(axis.texts)
        self.assertEqual({t.get_text() for t in labels}, expected)
        boxes = []
        for label in labels:  # the text alone, without its leader line
            label.update_positions(renderer)
            boxes.append(plt.Text.get_window_extent(label, renderer))
        markers = []
        scale = figure.dpi / 72
        for line in axis.lines:
            if line.get_marker() in ("None", "none", "", " ", None):
                continue
            half = line.get_markersize() * scale / 2
            for x, y in line.get_transform().transform(line.get_xydata()):
                markers.append((x - half, y - half, x + half, y + half))
        for label, box in zip(labels, boxes):
            name = label.get_text()
            self.assertTrue(inside(box, frame), f"{name} leaves the axes")
            for other, other_box in zip(labels, boxes):
                if other is not label:
                    self.assertFalse(overlap(box, other_box),
                                     f"{name} overlaps {other.get_text()}")
            for x0, y0, x1, y1 in markers:
                self.assertFalse(box.x0 < x1 and x0 < box.x1 and box.y0 < y1 and y0 < box.y1,
                                 f"{name} covers a marker at ({(x0 + x1) / 2:.0f}, "
                                 f"{(y0 + y1) / 2:.0f}) px")

    def test_fixture_labels_are_clear(self):
        rows = matching(read_sweep(SWEEP), platform="cori-knl", bandwidth_scale=1.0)
        self.assert_clear(draw_comm_vs_pr(rows),
                          {r.grid for r in best_grid_per_procs(rows).values()})

    def test_paper_labels_are_clear_on_both_engines(self):
        # Crowded: at batch 2048, SimGrid's best grids of four P all sit at Pr = 1.
        rows = paper_rows()
        axes = shared_comm_axes(rows)
        for study, group in studies(rows).items():
            with self.subTest(study=study.describe()):
                self.assert_clear(draw_comm_vs_pr(group, axes=axes[study]),
                                  {r.grid for r in best_grid_per_procs(group).values()})


class SameAxesForBothEngines(Figures):
    def test_the_y_axis_is_logarithmic_whatever_the_data(self):
        # SimGrid at batch 256 spans less than a factor 8 (25 to 195 ms).
        for study, group in studies(paper_rows()).items():
            with self.subTest(study=study.describe()):
                self.assertEqual(draw_comm_vs_pr(group).axes[0].get_yscale(), "log")

    def figures_of(self, run) -> list:
        """The figures `run()` saves, caught before they are written."""
        caught = []
        save_png = comm_vs_pr_plot.save_png

        def keep(figure, path):
            caught.append(figure)  # a closed figure keeps its axes to read
            save_png(figure, path)

        with mock.patch("analysis.comm_vs_pr_plot.save_png", keep):
            run()
        return caught

    def assert_same_axes(self, analytic, simgrid):
        a, s = analytic.axes[0], simgrid.axes[0]
        self.assertEqual((a.get_yscale(), a.get_xscale()), ("log", "log"))
        self.assertEqual((s.get_yscale(), s.get_xscale()), ("log", "log"))
        self.assertEqual(a.get_ylim(), s.get_ylim())
        self.assertEqual(a.get_xlim(), s.get_xlim())
        self.assertEqual(a.get_ylabel(), s.get_ylabel())
        colors = [{line.get_label(): line.get_color() for line in axis.lines
                   if line.get_label().startswith("P = ")} for axis in (a, s)]
        for label, color in colors[1].items():  # a P keeps its colour
            self.assertEqual(colors[0][label], color, label)

    def test_plot_py_draws_each_engine_on_the_same_axes(self):
        with tempfile.TemporaryDirectory() as directory:
            figures = {}
            for engine in ("analytic", "simgrid"):
                output = os.path.join(directory, f"{engine}.png")
                figures[engine] = self.figures_of(lambda: plot.main(
                    ["comm-vs-pr", "--input", PAPER_SWEEP, "--engine", engine,
                     "--batch", "256", "--output", output]))[0]
        self.assert_same_axes(figures["analytic"], figures["simgrid"])
        # Not the same by accident: alone, SimGrid's times span a narrower range.
        alone = draw_comm_vs_pr(matching(paper_rows(), engine="simgrid", batch=256))
        self.assertNotEqual(alone.axes[0].get_ylim(), figures["simgrid"].axes[0].get_ylim())

    def test_the_report_of_make_demo_draws_each_engine_on_the_same_axes(self):
        # paper_study.py hands both engines' sweeps to one report.py run.
        with tempfile.TemporaryDirectory() as directory:
            output = os.path.join(directory, "report.html")
            figures = self.figures_of(lambda: report.main(
                ["--sweep", PAPER_SWEEP, "--output", output]))
            with open(output, encoding="utf-8") as handle:
                html = handle.read()
        by_study = {f.axes[0].get_title(loc="left").split(";")[0]: f for f in figures}
        for batch in (256, 2048):
            self.assert_same_axes(
                by_study[f"alexnet on cori-knl, batch {batch}, analytic engine"],
                by_study[f"alexnet on cori-knl, batch {batch}, simgrid engine"])
        self.assertIn("Same axes as the simgrid engine&#x27;s figure", html)


if __name__ == "__main__":
    unittest.main()
