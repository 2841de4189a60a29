"""results.json files written before results were typed (tests/fixtures/old-results, see its README)
load as RunResult and ExperimentResult, give the numbers they hold, and are written back unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from gencner.cl.results import scores_csv
from gencner.errors import DataError
from gencner.report import loading
from gencner.results import ExperimentResult, RunResult, StepResult, aggregate, summarise
from gencner.results.run_result import HEADER_KEYS

OLD = Path(__file__).resolve().parents[1] / "fixtures" / "old-results"
EXPERIMENT = OLD / "synthetic-split-all-gencner-tiny"
RUNS = [EXPERIMENT / "runs" / f"p0-s{seed}" for seed in (1, 2)]
UPPERS = sorted((OLD / "_upper").iterdir())
STEPS = sorted((RUNS[0] / "steps").glob("step-*"))
WRITTEN_BY_RUN_EXPERIMENT = ("config", "permutations", "seeds", "seconds")


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("folder", [*RUNS, *UPPERS, OLD / "offline", OLD / "one" / "runs" / "p0-s1"], ids=lambda p: p.name)
def test_a_run_file_loads_and_is_written_back_as_it_was(folder):
    data = read(folder / "results.json")
    run = RunResult.from_json(data, str(folder / "results.json"))
    assert run.to_json() == data
    assert RunResult.from_json(run.to_json()) == run


def test_a_run_gives_the_numbers_its_file_holds():
    data = read(RUNS[0] / "results.json")
    run = RunResult.from_json(data)
    assert (run.method, run.setting, run.seed, run.status, run.headline_test) == ("gencner", "split-all", 1, "complete", "all")
    assert run.macro_f1 == data["macro_f1"] and run.matrix == data["matrix"]
    assert run.final_learned == pytest.approx(np.mean([row[j] for j, row in enumerate(data["matrix"])]))
    assert run.final_forgotten == pytest.approx(data["learning_accuracy"][-1] - data["macro_f1"][-1])
    assert run.final_gap == pytest.approx(data["upper_bound"]["macro_f1"][-1] - data["macro_f1"][-1])
    assert run.forgetting.mean == data["forgetting"]["mean"] and run.forgetting.bwt == data["forgetting"]["bwt"]
    assert run.upper_bound.run == data["upper_bound"]["run"] and run.gap == data["gap"]
    assert [s.thresholds for s in run.steps] == data["thresholds"] and run.steps[3].thresholds == {"GPE": pytest.approx(0.3148, abs=1e-4)}
    assert run.steps[5].pseudo["counts"]["GPE"]["kept"] == 9


def test_an_offline_run_has_its_reference_line_and_no_learning_accuracy():
    data = read(OLD / "offline" / "results.json")
    run = RunResult.from_json(data)
    assert run.single_step and run.learning_accuracy is None and run.final_learned is None
    assert run.macro_f1 == [pytest.approx(np.mean(data["matrix"][0]))] and run.reference_macro_f1 == data["reference_macro_f1"]


def test_the_experiment_file_loads_and_holds_the_mean_and_std_of_its_runs():
    data = read(EXPERIMENT / "results.json")
    experiment = ExperimentResult.from_json(data)
    assert experiment.to_json() == data and ExperimentResult.from_json(experiment.to_json()) == experiment
    curves = np.array([read(r / "results.json")["macro_f1"] for r in RUNS])
    assert experiment.macro_f1.mean == pytest.approx(curves.mean(axis=0)) and experiment.macro_f1.std == pytest.approx(curves.std(axis=0))
    assert experiment.macro_f1.n == 2 and experiment.upper_bound.macro_f1.n == 2
    assert experiment.gap == pytest.approx(np.array(data["upper_bound"]["macro_f1"]) - curves.mean(axis=0))
    assert experiment.status == "complete" and experiment.config["method"]["name"] == "gencner" and experiment.seconds > 0


def test_aggregating_the_old_runs_again_gives_the_experiment_file():
    runs = [RunResult.from_json(read(r / "results.json")) for r in RUNS]
    expected = {k: v for k, v in read(EXPERIMENT / "results.json").items() if k not in WRITTEN_BY_RUN_EXPERIMENT}
    assert aggregate(EXPERIMENT.name, runs) == expected


def test_a_one_run_experiment_carries_its_runs_details():
    data = read(OLD / "one" / "results.json")
    experiment = ExperimentResult.from_json(data)
    assert experiment.to_json() == data
    assert experiment.other["thresholds"] == read(OLD / "one" / "runs" / "p0-s1" / "results.json")["thresholds"]
    expected = {k: v for k, v in data.items() if k not in WRITTEN_BY_RUN_EXPERIMENT}
    assert aggregate("one", [read(OLD / "one" / "runs" / "p0-s1" / "results.json")]) == expected
    assert RunResult.from_json(data).matrix == data["matrix"]  # the console reads it as its run


def test_the_old_step_results_summarise_to_the_old_run_file():
    data = read(RUNS[0] / "results.json")
    records = [read(folder / "result.json") for folder in STEPS]
    assert [StepResult.from_json(r).to_json() for r in records] == records
    upper = read(Path(data["upper_bound"]["run"].replace("/tmp/oldruns", str(OLD))) / "results.json")
    assert summarise(records, {k: data[k] for k in HEADER_KEYS}, upper).to_json() == data
    assert scores_csv(StepResult.from_json(records[-1])).splitlines() == (STEPS[-1] / "scores.csv").read_text(encoding="utf-8").splitlines()


def test_the_report_loads_the_moved_experiment_and_its_bound():
    inputs = loading.load_report_inputs([EXPERIMENT, *UPPERS])
    (method,) = inputs.methods
    assert (method.label, method.kind, len(method.runs)) == ("gencner", "experiment", 2)
    assert inputs.upper.runs == [str(u).replace(str(OLD), "/tmp/oldruns") for u in UPPERS]


def test_a_file_without_learning_accuracy_gets_it_from_the_matrix():
    data = read(RUNS[0] / "results.json")
    older = {k: v for k, v in data.items() if k != "learning_accuracy"}
    older["tests"] = {"all": {k: v for k, v in data["tests"]["all"].items() if k != "learning_accuracy"}}
    assert RunResult.from_json(older).learning_accuracy == data["learning_accuracy"]
    experiment = {k: v for k, v in read(EXPERIMENT / "results.json").items() if not k.startswith("learning_accuracy")}
    assert ExperimentResult.from_json(experiment).learning_accuracy.mean == []


@pytest.mark.parametrize(
    "damage, problem",
    [
        (lambda d: d.pop("tests"), "no 'tests'; rerun the command that wrote it"),
        (lambda d: d.update(headline_test="dev"), "headline_test 'dev' is not one of its tests (all)"),
        (lambda d: d.update(thresholds=d["thresholds"][:2]), "'thresholds' has 2 entries, expected 6 (one per step)"),
        (lambda d: d["tests"]["all"]["matrix"][2].pop(), "tests.all: result matrix row 2 (after step 3) has 2 entries, expected 3"),
        (lambda d: d["tests"]["all"]["micro_f1"].pop(), "tests.all: 'micro_f1' has 5 entries, expected 6 (one per step)"),
        (lambda d: d.update(upper_bound=[0.5]), "upper_bound: expected a JSON object, found list"),
    ],
    ids=["no tests", "headline", "per-step list", "matrix shape", "micro-F1", "upper bound"],
)
def test_a_damaged_run_file_is_one_error_naming_the_file_and_the_problem(damage, problem):
    data = read(RUNS[0] / "results.json")
    damage(data)
    with pytest.raises(DataError) as error:
        RunResult.from_json(data, "runs/x/results.json")
    assert str(error.value).startswith("runs/x/results.json: ") and problem in str(error.value)
