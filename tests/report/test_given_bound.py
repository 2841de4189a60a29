"""`gencner report --bound RUN_FOLDER`: runs made without a bound (--no-upper) compared with a finished
single-step run of their family (an offline run), in memory, with every run left without one said.

The folders are written through the real gencner.results.summarise from made-up step records, so every
number the report shows can be recomputed here."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from gencner.cli import main
from gencner.errors import GencnerError
from gencner.report import given_bounds
from gencner.results import summarise

TYPES = ["ORG", "PERSON", "GPE"]
DATA = {"train.txt": "d1", "test.txt": "d2"}  # data.json: the digests of the files a run read
DATASET = {"name": "ontonotes", "test_sample": 2000}  # config.json's dataset section


def cl_step(k: int, row: list[float]) -> dict:
    return {
        "step": k,
        "task": TYPES[k - 1],
        "new_types": [TYPES[k - 1]],
        "seen_types": TYPES[:k],
        "tests": {"all": {"row": row, "micro": {"f1": float(np.mean(row))}, "per_type": {}}},
    }


def header(folder: Path, method: str, setting: str, n_steps: int, single: bool) -> dict:
    return {
        "run_dir": str(folder),
        "method": method,
        "dataset": "ontonotes",
        "setting": setting,
        "permutation": 0,
        "seed": 1,
        "model": "minilm",
        "tasks": TYPES,
        "n_steps": n_steps,
        "single_step": single,
    }


def write(folder: Path, results, family: str, data: dict = DATA, dataset: dict = DATASET) -> Path:
    folder.mkdir(parents=True)
    (folder / "results.json").write_text(json.dumps(results.to_json()))
    (folder / "config.json").write_text(json.dumps({"method": {"family": family}, "dataset": dataset}))
    (folder / "data.json").write_text(json.dumps(data))
    return folder


ROWS = [[0.40], [0.38, 0.62], [0.35, 0.60, 0.70]]  # learned: 0.40, 0.62, 0.70


def cl_run(folder: Path, method: str, family: str, steps: int = 3, upper=None) -> Path:
    results = summarise([cl_step(k + 1, ROWS[k]) for k in range(steps)], header(folder, method, "split-all", 3, False), upper)
    return write(folder, results, family)


def offline_run(
    folder: Path, family: str, row: list[float], data: dict = DATA, dataset: dict = DATASET, test: str = "all", grouping=None
) -> Path:
    step = {
        "step": 1,
        "task": "all",
        "new_types": TYPES,
        "seen_types": TYPES,
        "tests": {test: {"row": row, "micro": {"f1": float(np.mean(row))}, "per_type": {}}},
    }
    head = header(folder, family, "offline", 1, True)
    if grouping:  # tasks of several types each
        head |= {"tasks": ["+".join(types) for types in grouping], "task_types": grouping}
    return write(folder, summarise([step], head), family, data, dataset)


def test_a_run_without_bound_is_compared_with_the_offline_run_of_its_family(tmp_path):
    pointer = cl_run(tmp_path / "keep-all", "gencner-keep-all", "pointer")
    span = cl_run(tmp_path / "span", "spankl", "spankl")
    partial = cl_run(tmp_path / "stopped", "gencner", "pointer", steps=2)
    bound = offline_run(tmp_path / "offline", "pointer", [0.60, 0.80, 0.85])
    out = tmp_path / "report"
    assert main(["report", str(pointer), str(span), str(partial), "--bound", str(bound), "--out", str(out)]) == 0
    report = (out / "report.md").read_text()
    bound_macro = np.mean([0.60, 0.80, 0.85])
    final, learned = np.mean(ROWS[2]), np.mean([0.40, 0.62, 0.70])
    # comparison: the gap is bound − Macro-F1; learning and forgetting table: the learning part is bound − learned
    cells = [100 * final, 100 * learned, 100 * (learned - final), 100 * (bound_macro - final)]
    assert "| gencner-keep-all | " + " | ".join(f"{c:.2f}" for c in cells) + " |" in report
    assert f"| gencner-keep-all | {100 * learned:.2f} | {100 * (bound_macro - learned):.2f} |" in report
    # one training on every type: its point sits under the last step, not the first
    assert f"| **Non-CL (upper bound)** | – | – | {100 * bound_macro:.2f} |" in report
    # the other family and the run stopped at step 2 get no bound, and the notes say why
    assert f"`{span}` (spankl) has no bound: no --bound fits it (`{bound}`: model family spankl, the bound's is pointer)" in report
    assert (
        f"`{partial}` (gencner) has no bound" in report
        and "its last step has seen ORG, PERSON; the bound was trained on GPE, ORG, PERSON" in report
    )
    assert "| spankl | 40.00 | – |" not in report and f"| spankl | {100 * learned:.2f} | – |" in report
    assert not json.loads((pointer / "results.json").read_text()).get("upper_bound")  # nothing rewritten


def test_one_bound_per_family_and_a_run_keeps_its_own_bound(tmp_path):
    own = summarise(
        [cl_step(1, [0.9]), cl_step(2, [0.9, 0.9]), cl_step(3, [0.9, 0.9, 0.9])], header(tmp_path / "u", "non-cl", "split-all", 3, False)
    )
    pointer = cl_run(tmp_path / "keep-all", "gencner-keep-all", "pointer", upper=own)
    span = cl_run(tmp_path / "span", "spankl", "spankl")
    bounds = [
        offline_run(tmp_path / "off-pointer", "pointer", [0.5, 0.5, 0.5]),
        offline_run(tmp_path / "off-span", "spankl", [0.8, 0.9, 1.0]),
    ]
    with pytest.raises(GencnerError, match="fits none of the runs"):  # the pointer run keeps its own bound
        given_bounds.load_report_inputs([pointer, span], bounds)
    inputs = given_bounds.load_report_inputs([pointer, span], bounds[1:])
    keep_all, spankl = inputs.methods
    assert keep_all.runs[0].upper_bound.macro_f1 == pytest.approx([0.9, 0.9, 0.9])
    assert spankl.runs[0].upper_bound.macro_f1 == pytest.approx([0.9])
    assert spankl.runs[0].final_learning_part == pytest.approx(0.9 - np.mean([0.40, 0.62, 0.70]))


@pytest.mark.parametrize(
    ("make_bound", "problem"),
    [
        (lambda tmp: cl_run(tmp / "cl-bound", "gencner-keep-all", "pointer"), "takes a finished single-step run"),
        (lambda tmp: offline_run(tmp / "other-data", "pointer", [0.5] * 3, {"train.txt": "x", "test.txt": "d2"}), "its data files differ"),
        (
            lambda tmp: offline_run(tmp / "whole-test", "pointer", [0.5] * 3, dataset={"name": "ontonotes", "test_sample": 0}),
            "dataset configuration",
        ),
        (lambda tmp: offline_run(tmp / "filtered", "pointer", [0.5] * 3, test="filter"), "headline test all, the bound's is filter"),
        (
            lambda tmp: offline_run(tmp / "grouped", "pointer", [0.5] * 2, grouping=[["ORG", "PERSON"], ["GPE"]]),
            "group the types otherwise",
        ),
    ],
)
def test_a_bound_that_cannot_serve_is_a_user_error(tmp_path, capsys, make_bound, problem):
    run = cl_run(tmp_path / "keep-all", "gencner-keep-all", "pointer")
    assert main(["report", str(run), "--bound", str(make_bound(tmp_path)), "--out", str(tmp_path / "r")]) == 2
    assert problem in capsys.readouterr().err


def test_a_last_step_bound_is_its_own_row_beside_a_per_step_bound_of_the_family(tmp_path):
    own = summarise([cl_step(k, [0.9] * k) for k in (1, 2, 3)], header(tmp_path / "u", "non-cl", "split-all", 3, False))
    with_own = cl_run(tmp_path / "with-own", "gencner", "pointer", upper=own)
    without = cl_run(tmp_path / "without", "gencner-keep-all", "pointer")
    offline = offline_run(tmp_path / "offline", "pointer", [0.6, 0.8, 0.85])
    inputs = given_bounds.load_report_inputs([with_own, without, offline], [offline])  # the offline folder is listed too
    assert [(u.label, u.last_step_only) for u in inputs.uppers] == [
        ("Non-CL (upper bound), non-cl", False),
        ("Non-CL (upper bound), non-cl, last step", True),
    ]
    assert inputs.uppers[0].stats.mean == pytest.approx([0.9, 0.9, 0.9])  # not cut to the offline run's one step
    assert inputs.uppers[1].mean_curve(3) == [None, None, pytest.approx(np.mean([0.6, 0.8, 0.85]))]
    offline_row = inputs.methods[2]  # listed as a folder, the offline run is a row, never compared with itself
    assert offline_row.runs[0].single_step and offline_row.runs[0].upper_bound is None
    assert inputs.methods[1].runs[0].upper_bound.last_step_only
