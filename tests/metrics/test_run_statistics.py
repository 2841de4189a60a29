"""Statistics over runs (gencner.results.stats) and how numbers are written (gencner.results.formatting),
on made-up runs whose numbers are worked out by hand here."""

from __future__ import annotations

import numpy as np
import pytest

from gencner.results import CurveStats, ExperimentResult, RunResult, Stat, experiment_result, stats, summarise
from gencner.results.formatting import count, curve_cells, fraction, mean_pm, points, points_cells

TASKS = ["ORG", "PERSON"]


def run(seed: int, rows: list[list[float]], upper: RunResult | None = None, n_steps: int = 2) -> RunResult:
    steps = [
        {
            "step": k + 1,
            "task": TASKS[k],
            "new_types": [TASKS[k]],
            "seen_types": TASKS[: k + 1],
            "tests": {"all": {"row": row, "micro": {"f1": sum(row) / len(row)}, "per_type": {}}},
        }
        for k, row in enumerate(rows)
    ]
    header = {
        "run_dir": f"runs/x/runs/p0-s{seed}",
        "method": "gencner" if upper else "non-cl",
        "dataset": "synthetic",
        "setting": "split-all",
        "permutation": 0,
        "seed": seed,
        "model": "tiny",
        "tasks": TASKS,
        "n_steps": n_steps,
    }
    return summarise(steps, header, upper)


BOUND = run(1, [[0.9], [0.9, 0.9]])
# learned at step 2: (0.8 + 0.6) / 2 = 0.7 and (0.6 + 0.8) / 2 = 0.7; Macro-F1 0.5 and 0.6
RUNS = [run(1, [[0.8], [0.4, 0.6]], BOUND), run(2, [[0.6], [0.4, 0.8]], BOUND)]


def test_mean_std_is_the_population_std_over_the_steps_every_run_has():
    means, stds = stats.mean_std([[1.0, 2.0, 3.0], [3.0, 4.0], [2.0, 6.0, 9.0, 9.0]])
    assert means == pytest.approx([2.0, 4.0])
    # population std (ddof = 0): sqrt(((1−2)² + (3−2)² + 0) / 3), sqrt((4 + 0 + 4) / 3)
    assert stds == pytest.approx([np.sqrt(2 / 3), np.sqrt(8 / 3)])
    assert stats.mean_std([[5.0, 6.0]]) == ([5.0, 6.0], [0.0, 0.0])
    assert stats.mean_std([[1.0], []]) == ([], [])
    with pytest.raises(ValueError):
        stats.mean_std([])


def test_curves_and_numbers_leave_out_the_runs_without_them():
    assert stats.curve_stats([[0.2, 0.4], None, [], [0.4, 0.8, 1.0]]) == CurveStats(
        [pytest.approx(0.3), pytest.approx(0.6)], [pytest.approx(0.1), pytest.approx(0.2)], 2
    )
    assert stats.curve_stats([None, []]) == CurveStats([], [], 0)
    assert stats.value_stats([0.2, None, 0.6]) == Stat(pytest.approx(0.4), pytest.approx(0.2), 2)
    assert stats.value_stats([None]) is None


def test_the_matrix_is_averaged_cell_by_cell_over_the_steps_every_run_has():
    assert stats.mean_matrix([[[0.8], [0.4, 0.6]], [[0.6]]]) == [[pytest.approx(0.7)]]
    assert stats.mean_matrix([r.matrix for r in RUNS]) == [[pytest.approx(0.7)], [pytest.approx(0.4), pytest.approx(0.7)]]


def test_the_comparison_row_splits_the_gap_into_learning_and_forgetting():
    row = stats.comparison_row("gencner", RUNS)
    assert row.final == Stat(pytest.approx(0.55), pytest.approx(0.05), 2)
    assert row.learned == Stat(pytest.approx(0.7), pytest.approx(0.0), 2)
    assert row.forgetting == Stat(pytest.approx(0.15), pytest.approx(0.05), 2)  # 0.7 − 0.5, 0.7 − 0.6
    assert row.gap == Stat(pytest.approx(0.35), pytest.approx(0.05), 2)  # 0.9 − 0.5, 0.9 − 0.6
    assert row.learned.mean - row.final.mean + (0.9 - row.learned.mean) == pytest.approx(row.gap.mean)
    assert row.curve == [pytest.approx(0.7), pytest.approx(0.55)]
    assert row.to_json()["gap"] == {"mean": row.gap.mean, "std": row.gap.std, "n": 2}
    assert stats.method_gap(RUNS) == [pytest.approx(0.2), pytest.approx(0.35)]


def test_forgetting_over_runs_is_the_mean_of_each_runs_score():
    # forgetting of ORG: 0.8 − 0.4 and 0.6 − 0.4; BWT the same negated; mean BI over both tasks
    forgetting = stats.forgetting_stats(RUNS)
    assert forgetting["mean"] == Stat(pytest.approx(0.3), pytest.approx(0.1), 2)
    assert forgetting["bwt"] == Stat(pytest.approx(-0.3), pytest.approx(0.1), 2)
    assert forgetting["mean_backward_interference"] == Stat(pytest.approx(-0.15), pytest.approx(0.05), 2)


def test_the_experiment_uses_the_same_statistics_and_reads_back_equal():
    experiment = experiment_result("x", RUNS)
    assert experiment.macro_f1 == stats.macro_f1_stats(RUNS)
    assert experiment.learning_accuracy == stats.learning_accuracy_stats(RUNS)
    assert experiment.forgetting.mean == stats.forgetting_stats(RUNS)["mean"].mean and experiment.forgetting.per_task is None
    assert experiment.gap == stats.method_gap(RUNS) and experiment.upper_bound.runs == [BOUND.run_dir] * 2
    assert ExperimentResult.from_json(experiment.to_json()) == experiment


def test_a_partial_run_makes_the_experiment_partial_and_cuts_its_curves():
    partial = run(3, [[0.5]], BOUND)
    assert partial.status == "partial" and RunResult.from_json(partial.to_json()) == partial
    experiment = experiment_result("x", [*RUNS, partial])
    assert experiment.status == "partial" and len(experiment.macro_f1.mean) == 1 and experiment.macro_f1.n == 3
    assert ExperimentResult.from_json(experiment.to_json()) == experiment


def test_numbers_are_written_as_points_and_mean_pm_std():
    assert points(0.8125) == "81.25" and points(None) == "–" and points(None, missing="") == ""
    assert points(0.8125, decimals=1) == "81.2" and fraction(0.8125) == "0.8125" and count(1234) == "1,234"
    assert mean_pm(Stat(0.5, 0.05, 2)) == "50.00 ± 5.00"
    assert mean_pm(Stat(0.5, 0.0, 1)) == "50.00"  # one run has no spread
    assert mean_pm(None) == "–"
    assert curve_cells(CurveStats([0.5], [0.1], 3), 2) == ["50.00 ± 10.00", "–"]
    assert points_cells([0.1, None], 3, missing="") == ["10.00", "", ""]
