"""Step results → the run's results.json, a CSV per step, and the matrix-derived scores.

A step's result.json holds, for each test set, the per-type counts over the seen types and its matrix
row (per-task F1 of tasks 1..k in stream order); everything else is derived here from those rows."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Sequence

from gencner.atomic import write_json, write_text
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


def load_step_results(run_dir: Path) -> list[dict]:
    """The finished steps, in order, stopping at the first unfinished one."""
    out = []
    for k in range(1, 10_000):
        path = step_dir(run_dir, k) / "result.json"
        if not path.is_file():
            break
        out.append(json.loads(path.read_text(encoding="utf-8")))
    return out


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
