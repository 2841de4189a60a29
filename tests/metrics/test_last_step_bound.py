"""setting.upper_bound=last-step: the non-CL bound trains once, on every task's data, as the last cumulative
step does; a CL run compared with it has a final gap and no gap per step (its one point is the bound of
the last step, not of the first)."""

from __future__ import annotations

import pytest
from tests.metrics.test_run_statistics import TASKS, run

from gencner.config import load_config, to_container
from gencner.experiment import upper_bound_config
from gencner.results import RunResult, stats, summarise
from gencner.run_identity import result_config, upper_bound_dir


def offline_bound(macro: float) -> RunResult:
    """A single-step bound: one step, one row over both tasks."""
    step = {"step": 1, "task": "+".join(TASKS), "new_types": TASKS, "seen_types": TASKS}
    step["tests"] = {"all": {"row": [macro, macro], "micro": {"f1": macro}, "per_type": {}}}
    header = {"run_dir": "runs/_upper/x", "method": "non-cl", "dataset": "synthetic", "setting": "split-all", "permutation": 0}
    header |= {"seed": 1, "model": "tiny", "tasks": TASKS, "n_steps": 1, "cumulative": True, "single_step": True}
    return summarise([step], header)


def test_the_last_step_bound_is_the_cumulative_setting_in_one_step_in_a_folder_of_its_own():
    every = upper_bound_config(load_config(["setting=split-all"]))
    last = upper_bound_config(load_config(["setting=split-all", "setting.upper_bound=last-step"]))
    assert every.setting.cumulative and not every.setting.single_step
    assert last.setting.cumulative and last.setting.single_step and last.setting.train == "split"
    assert upper_bound_dir(every) != upper_bound_dir(last)


def test_which_bound_a_continual_run_is_compared_with_is_not_part_of_its_results_but_of_the_bounds():
    every, last = (load_config(["setting=split-all", f"setting.upper_bound={b}"]) for b in ("every-step", "last-step"))
    assert result_config(to_container(every)) == result_config(to_container(last))  # one run folder serves both
    bounds = [result_config(to_container(upper_bound_config(cfg))) for cfg in (every, last)]
    assert bounds[0] != bounds[1] and bounds[1]["setting"]["upper_bound"] == "last-step"


def test_a_run_compared_with_a_last_step_bound_has_its_final_gap_and_no_gap_per_step():
    bound = offline_bound(0.9)
    assert bound.as_bound().last_step_only
    cl = run(1, [[0.8], [0.4, 0.6]], bound)  # Macro-F1 0.8 then 0.5
    assert cl.gap == []
    assert cl.final_gap == pytest.approx(0.9 - 0.5)
    assert stats.method_gap([cl]) == []
    again = RunResult.from_json(cl.to_json(), "results.json")  # the flag survives results.json
    assert again.upper_bound.last_step_only and again.final_gap == pytest.approx(0.4)


def test_a_per_step_bound_still_gives_the_gap_at_every_step():
    bound = run(1, [[0.9], [0.9, 0.9]])
    assert not bound.as_bound().last_step_only
    cl = run(1, [[0.8], [0.4, 0.6]], bound)
    assert cl.gap == pytest.approx([0.1, 0.4]) and len(TASKS) == 2


def test_an_experiment_against_last_step_bounds_has_its_final_gap_and_shows_the_bound_at_the_last_step():
    from tests.cli.test_matrix_table import numbers, rendered

    from gencner.console import experiment_table, matrix_table
    from gencner.results import ExperimentResult, aggregate

    runs = [run(seed, [[0.8], [0.4, 0.6]], offline_bound(0.9)) for seed in (1, 2)]
    exp = ExperimentResult.from_json(aggregate("x", runs), "results.json")  # the flag survives results.json
    assert exp.upper_bound.last_step_only and exp.gap == [] and exp.final_gap == pytest.approx(0.4)
    rows = [numbers(line) for line in rendered(experiment_table(exp)) if line.strip().startswith("│")]
    # step 1: three curves (mean and std each), no bound and no gap; step 2: the bound (± 0.00) and the gap
    assert len(rows[0]) == 6 and rows[1][-3:] == ["90.00", "0.00", "40.00"]
    steps = [numbers(line) for line in rendered(matrix_table(runs[0])) if "step" in line]
    assert steps[0][-2:] != ["90.00", "-30.00"] and steps[1][-2:] == ["90.00", "40.00"]
