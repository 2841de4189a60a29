"""Step results → the run's results.json, a CSV per step, and the matrix-derived scores.

A step's result.json holds, for each test set, the per-type counts over the seen types and its matrix
row (per-task F1 of tasks 1..k in stream order); everything else is derived here from those rows."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Sequence

from gencner.atomic import write_json, write_text
from gencner.errors import DataError
from gencner.jsonfile import read_json
from gencner.metrics import (
    backward_interference,
    bwt,
    forgetting,
    gap,
    learning_accuracy,
    macro_f1,
    mean_backward_interference,
    mean_forgetting,
)


def step_dir(run_dir: Path, step: int) -> Path:
    return run_dir / "steps" / f"step-{step:02d}"


# what summarise() and the runner read from each step's result.json
STEP_KEYS = ("step", "task", "new_types", "seen_types", "tests")
TEST_KEYS = ("row", "micro", "per_type")


def finished_steps(run_dir: Path) -> tuple[list[dict], str | None]:
    """The finished steps, in order, up to the first unfinished one; and, when that one has a result.json
    that cannot be used (cut short by a crash or a full disk, edited by hand), why: the step is then
    trained again instead of the rerun failing on it."""
    out: list[dict] = []
    for k in range(1, 10_000):
        path = step_dir(run_dir, k) / "result.json"
        if not path.is_file():
            return out, None
        try:
            result = read_json(path)
        except DataError as exc:
            return out, f"{exc}; step {k} is trained again"
        problem = step_result_problem(result, k)
        if problem is not None:
            return out, f"{path}: {problem}; step {k} is trained again"
        out.append(result)
    return out, None


def step_result_problem(result: object, step: int) -> str | None:
    """Why `result` is not the result of `step` as write_step() writes it, or None."""
    if not isinstance(result, dict):
        return f"expected a JSON object, found {type(result).__name__}"
    missing = [key for key in STEP_KEYS if key not in result]
    if missing:
        return f"no {', '.join(missing)}"
    if result["step"] != step:
        return f"holds step {result['step']!r}, not {step}"
    tests = result["tests"]
    scored = isinstance(tests, dict) and tests and all(isinstance(t, dict) and all(k in t for k in TEST_KEYS)
                                                       for t in tests.values())
    if not scored:
        return "no scored test set (each needs row, micro and per_type)"
    return None


def scores_csv(result: dict) -> str:
    """One row per test set and type: tp, fp, fn, precision, recall, F1."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["step", "test", "type", "tp", "fp", "fn", "precision", "recall", "f1"])
    for test, scored in result["tests"].items():
        for kind, s in scored["per_type"].items():
            writer.writerow([result["step"], test, kind, s["tp"], s["fp"], s["fn"], f"{s['precision']:.4f}", f"{s['recall']:.4f}", f"{s['f1']:.4f}"])
        m = scored["micro"]
        writer.writerow([result["step"], test, "micro", m["tp"], m["fp"], m["fn"], f"{m['precision']:.4f}", f"{m['recall']:.4f}", f"{m['f1']:.4f}"])
    return buffer.getvalue()


def write_step(run_dir: Path, result: dict) -> None:
    folder = step_dir(run_dir, result["step"])
    write_text(folder / "scores.csv", scores_csv(result))
    write_json(folder / "result.json", result)  # last: its presence marks the step finished


def matrix_scores(matrix: Sequence[Sequence[float]]) -> dict:
    return {
        "matrix": [list(row) for row in matrix],
        "macro_f1": macro_f1(matrix),
        "learning_accuracy": learning_accuracy(matrix),
        "backward_interference": backward_interference(matrix),
        "mean_backward_interference": mean_backward_interference(matrix),
        "forgetting": forgetting(matrix),
        "mean_forgetting": mean_forgetting(matrix),
        "bwt": bwt(matrix),
    }


def single_step_scores(row: Sequence[float]) -> dict:
    """An offline run has one row holding every task. Its per-step reference line is the Macro-F1 over
    the first k tasks of the stream order: what a CL run's Macro-F1 at step k is compared with."""
    reference = [sum(row[: k + 1]) / (k + 1) for k in range(len(row))]
    return {"matrix": [list(row)], "macro_f1": [reference[-1]], "reference_macro_f1": reference,
            "backward_interference": [], "mean_backward_interference": None, "forgetting": [], "mean_forgetting": None, "bwt": None}


def summarise(steps: Sequence[dict], header: dict, upper: dict | None = None) -> dict:
    """results.json of a (possibly partial) run; `upper` = the upper bound's results, when known."""
    tests = list(steps[0]["tests"]) if steps else []
    if header.get("single_step"):
        per_test = {t: single_step_scores(steps[0]["tests"][t]["row"]) for t in tests}
    else:
        per_test = {t: matrix_scores([s["tests"][t]["row"] for s in steps]) for t in tests}
    for t in tests:
        per_test[t]["micro_f1"] = [s["tests"][t]["micro"]["f1"] for s in steps]
        per_test[t]["per_type"] = steps[-1]["tests"][t]["per_type"]  # the final model's scores
        per_test[t]["per_type_by_step"] = [s["tests"][t]["per_type"] for s in steps]
    headline = per_test[tests[0]] if tests else matrix_scores([])
    out = dict(header)
    out.update({
        "status": "complete" if len(steps) == header.get("n_steps") else "partial",
        "headline_test": tests[0] if tests else None,
        "matrix": headline["matrix"],
        "macro_f1": headline["macro_f1"],
        "reference_macro_f1": headline.get("reference_macro_f1"),
        "learning_accuracy": headline.get("learning_accuracy"),
        "micro_f1": headline.get("micro_f1", []),
        "forgetting": {"per_task": headline["forgetting"], "mean": headline["mean_forgetting"], "bwt": headline["bwt"],
                       "backward_interference": headline["backward_interference"], "mean_backward_interference": headline["mean_backward_interference"]},
        "tests": per_test,
        "thresholds": [s.get("thresholds", {}) for s in steps],
        "pseudo": [s.get("pseudo") for s in steps],
        "dev": [s.get("dev") for s in steps],
        "timings": [s.get("timings") for s in steps],
        "steps": [{k: s[k] for k in ("step", "task", "new_types", "seen_types")} for s in steps],
    })
    if upper is not None:
        out["upper_bound"] = {"macro_f1": upper["macro_f1"], "micro_f1": upper.get("micro_f1"), "run": upper.get("run_dir")}
        out["gap"] = gap(upper["macro_f1"], out["macro_f1"])
    return out
