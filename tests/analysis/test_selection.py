"""The selection rules, checked against values read by hand from tests/data/analysis/sweep.csv.

The fixture: alexnet, batch B = 64, analytic engine. On cori-knl at the described machine
(multipliers 1): P = 16, 64, 256 with batch, model, every integrated grid, domain and
hybrid grids (most of which break a limit) and one optimized row per P. On cori-knl and
crossbar at P = 64: bandwidth multipliers 0.25, 0.5, 1, 2, 4.
"""

import unittest

import fixtures  # noqa: F401  (puts the repository on sys.path)
from fixtures import SWEEP

from analysis.errors import AnalysisError
from analysis.selection import (batch_limit, best_grid_per_procs, best_grid_table,
                                explain_no_match, fastest, fastest_per_strategy, grid_sweep,
                                impossible, matching, only_value, past_batch_limit, possible,
                                what_if)
from analysis.study import studies, what_if_studies
from analysis.sweep_csv import read_sweep


def cori_knl_baseline():
    return matching(read_sweep(SWEEP), platform="cori-knl", bandwidth_scale=1.0)


class BestGridPerProcs(unittest.TestCase):
    def test_best_integrated_grid_of_each_p_is_the_least_iteration_time(self):
        # P = 16: 1x16 68.42 ms, 2x8 39.68, 4x4 28.03, 8x2 27.63, 16x1 38.27 -> 8x2.
        # P = 64: ... 8x8 12.7565 ms, 16x4 12.5596 ms -> 16x4 (close call).
        # P = 256: 1x256, 2x128, 128x2, 256x1 break limits; 32x8 6.06806 ms is least.
        best = best_grid_per_procs(cori_knl_baseline())
        self.assertEqual({p: r.grid for p, r in best.items()},
                         {16: "8x2", 64: "16x4", 256: "32x8"})
        self.assertAlmostEqual(best[16].iteration_s, 0.027627)
        self.assertAlmostEqual(best[64].iteration_s, 0.0125596)
        self.assertAlmostEqual(best[256].comm_s, 0.0053773)

    def test_grid_sweep_fills_pure_grids_with_batch_and_model_rows(self):
        rows = cori_knl_baseline()
        sweep = grid_sweep(rows)
        self.assertEqual([r.pr for r in sweep[64]], [1, 2, 4, 8, 16, 32, 64])
        # Without their integrated rows, the batch and model rows stand in for 1x64 and 64x1.
        no_pure_integrated = [r for r in rows if not (r.strategy == "integrated"
                                                      and (r.pr == 1 or r.pc == 1))]
        sweep = grid_sweep(no_pure_integrated)
        self.assertEqual(sweep[64][0].strategy, "batch")
        self.assertEqual(sweep[64][-1].strategy, "model")
        self.assertAlmostEqual(sweep[64][-1].comm_s, 0.0286327)

    def test_speed_up_over_pure_batch_and_pure_model(self):
        table = {line.procs: line for line in best_grid_table(cori_knl_baseline())}
        # P = 64: batch 63.034 ms / 12.5596 ms = 5.0188; model 31.3958 / 12.5596 = 2.4997.
        self.assertAlmostEqual(table[64].speedup_over(table[64].pure_batch), 5.01879, places=4)
        self.assertAlmostEqual(table[64].speedup_over(table[64].pure_model), 2.49975, places=4)
        # P = 256 > B: both pure strategies break a limit, so there is no speed-up to give.
        self.assertFalse(table[256].pure_batch.possible)
        self.assertIn("Pc <= B", table[256].pure_batch.error)
        self.assertIsNone(table[256].speedup_over(table[256].pure_batch))
        self.assertIsNone(table[256].speedup_over(table[256].pure_model))


class MinOverGridsPerStrategy(unittest.TestCase):
    def test_each_strategy_keeps_its_fastest_grid_per_p(self):
        per = fastest_per_strategy(cori_knl_baseline())
        self.assertEqual(list(per), ["batch", "model", "integrated", "domain", "hybrid",
                                     "optimized"])
        # hybrid: P = 16 2x8 39.46 ms vs 4x4 25.73 ms; P = 64 2x32 33.83 vs 4x16 19.42;
        # P = 256 only 4x64 (17.87 ms) is possible.
        self.assertEqual({p: (r.grid, round(r.iteration_s, 7)) for p, r in per["hybrid"].items()},
                         {16: ("4x4", 0.0257319), 64: ("4x16", 0.0194196),
                          256: ("4x64", 0.0178728)})
        # domain: 4x4 61.24 ms < 2x8 65.95 ms at P = 16.
        self.assertEqual(per["domain"][16].grid, "4x4")
        self.assertAlmostEqual(per["domain"][16].iteration_s, 0.0612383)
        self.assertAlmostEqual(per["optimized"][256].iteration_s, 0.00571245)

    def test_a_strategy_without_a_possible_grid_at_p_has_no_point_there(self):
        per = fastest_per_strategy(cori_knl_baseline())
        self.assertEqual(sorted(per["batch"]), [16, 64])   # 1x256 breaks Pc <= B
        self.assertEqual(sorted(per["model"]), [16, 64])   # 256x1 breaks Pr <= 64 channels

    def test_fastest_overall_is_the_optimized_plan(self):
        rows = cori_knl_baseline()
        self.assertEqual(fastest([r for r in rows if r.procs == 64]).strategy, "optimized")


class BatchLimit(unittest.TestCase):
    def test_the_batch_limit_is_p_equal_b(self):
        rows = cori_knl_baseline()
        self.assertEqual(batch_limit(rows), 64)

    def test_past_the_limit_only_feature_or_image_splits_remain(self):
        beyond = past_batch_limit(cori_knl_baseline())
        self.assertEqual(sorted((r.strategy, r.grid) for r in beyond),
                         [("domain", "4x64"), ("hybrid", "4x64"), ("integrated", "16x16"),
                          ("integrated", "32x8"), ("integrated", "4x64"),
                          ("integrated", "64x4"), ("integrated", "8x32"),
                          ("optimized", "32x8")])
        self.assertTrue(all(r.pc <= 64 for r in beyond))

    def test_one_batch_size_at_a_time(self):
        rows = cori_knl_baseline()
        other = [r.__class__(**{**r.__dict__, "batch": 128}) for r in rows[:2]]
        with self.assertRaisesRegex(AnalysisError, r"several batch sizes \(64, 128\); "
                                                   r"choose one with --batch"):
            batch_limit(rows + other)


class ErrorRows(unittest.TestCase):
    def test_error_rows_are_read_but_never_selected(self):
        rows = read_sweep(SWEEP)
        self.assertEqual(len(rows), 129)
        self.assertEqual(len(impossible(rows)), 32)
        self.assertEqual(len(possible(rows)), 97)
        errors = impossible(rows)
        self.assertTrue(all(r.iteration_s is None and r.comm_s is None for r in errors))
        # Every P = 256 grid with Pc > 64 is an error; none may win.
        for row in best_grid_per_procs(rows).values():
            self.assertTrue(row.possible)

    def test_a_p_whose_grids_all_break_limits_is_left_out(self):
        rows = [r for r in cori_knl_baseline()
                if r.procs != 256 or not r.possible or r.strategy == "batch"]
        self.assertNotIn(256, best_grid_per_procs(rows))
        self.assertNotIn(256, fastest_per_strategy(rows).get("integrated", {}))

    def test_configurations_over_memory_never_win(self):
        rows = cori_knl_baseline()
        best = best_grid_per_procs(rows)[64]
        over = best.__class__(**{**best.__dict__, "exceeds_memory": True})
        replaced = [over if r is best else r for r in rows]
        # 8x8 (12.7565 ms) is next once 16x4 no longer fits.
        self.assertEqual(best_grid_per_procs(replaced)[64].grid, "8x8")


class WhatIf(unittest.TestCase):
    def test_best_over_strategies_and_grids_per_platform_and_bandwidth(self):
        rows = matching(read_sweep(SWEEP), procs=64, latency_scale=1.0, flops_scale=1.0)
        per = what_if(rows)
        self.assertEqual(list(per), ["cori-knl", "crossbar"])
        self.assertEqual(list(per["cori-knl"]), [0.25, 0.5, 1.0, 2.0, 4.0])
        # cori-knl at 0.25x: batch 243.5 ms, model 116.8, 4x16 65.6, 8x8 42.3, 16x4 41.5,
        # hybrid 4x16 68.9, optimized 16x4 38.785 ms -> optimized.
        self.assertAlmostEqual(per["cori-knl"][0.25].iteration_s, 0.038785)
        self.assertAlmostEqual(per["crossbar"][4.0].iteration_s, 0.00449843)
        self.assertAlmostEqual(per["cori-knl"][1.0].iteration_s, 0.0117402)

    def test_what_if_studies_are_the_groups_where_the_multiplier_varies(self):
        groups = what_if_studies(read_sweep(SWEEP))
        self.assertEqual([(k.workload, k.procs) for k in groups], [("alexnet", 64)])
        self.assertEqual(len(next(iter(groups.values()))),
                         2 * 4 * 7 + 22 + 7)  # 4 scaled bandwidths x 7 rows, + both 1x groups

    def test_studies_put_the_machines_as_described_first(self):
        keys = list(studies(read_sweep(SWEEP)))
        self.assertEqual([(k.platform, k.bandwidth_scale) for k in keys[:2]],
                         [("cori-knl", 1.0), ("crossbar", 1.0)])


class Filters(unittest.TestCase):
    def test_only_value_names_the_choices_and_the_option(self):
        with self.assertRaisesRegex(AnalysisError, r"several platforms \(cori-knl, crossbar\); "
                                                   "choose one with --platform"):
            only_value(read_sweep(SWEEP), "platform")

    def test_explain_no_match_lists_what_the_input_holds(self):
        rows = read_sweep(SWEEP)
        self.assertEqual(matching(rows, workload="resnet50"), [])
        self.assertEqual(explain_no_match(rows, workload="resnet50"),
                         "no configuration has --workload resnet50 (the input holds "
                         "workloads: alexnet)")
        self.assertEqual(len(matching(rows, platform="crossbar", bandwidth_scale=1.0)), 7)


if __name__ == "__main__":
    unittest.main()
