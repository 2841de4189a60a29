"""The numbers the figures and tables show, derived from loaded method dicts (see loading.py).
Scores stay fractions here; figures and tables turn them into points."""

from __future__ import annotations

from collections import defaultdict
from typing import Callable, Sequence

import numpy as np

from gencner.metrics import continual


def mean_std(curves: Sequence[Sequence[float]]) -> tuple[list[float], list[float]]:
    """Per step, mean and population std over runs (gencner.metrics.mean_std); no runs: empty curves."""
    return continual.mean_std(curves) if curves else ([], [])


def macro_f1_stats(method: dict) -> dict:
    """{"mean", "std", "n"} of the Macro-F1 curves of a method's runs."""
    curves = [r["macro_f1"] for r in method["runs"] if r.get("macro_f1")]
    mean, std = mean_std(curves)
    return {"mean": mean, "std": std, "n": len(curves)}


def upper_stats(upper: dict | None) -> dict | None:
    if not upper:
        return None
    mean, std = mean_std(upper["macro_f1"])
    return {"mean": mean, "std": std, "n": len(upper["macro_f1"])}


def method_gap(method: dict) -> list[float]:
    """Non-CL − method per step, from the upper runs this method's own runs were compared with."""
    uppers = [r["upper_bound"]["macro_f1"] for r in method["runs"] if r.get("upper_bound")]
    if not uppers:
        return []
    upper_mean, _ = mean_std(uppers)
    return [u - c for u, c in zip(upper_mean, macro_f1_stats(method)["mean"])]


def _final_stats(values: Sequence[float]) -> dict | None:
    """{"mean", "std" (population), "n"} of one final number over runs; None when no run has it."""
    return {"mean": float(np.mean(values)), "std": float(np.std(values)), "n": len(values)} if values else None


def learning_accuracy_stats(method: dict) -> dict | None:
    """The last step's learning accuracy (the mean of the matrix diagonal: Macro-F1 without forgetting),
    {"mean", "std", "n"} over the runs; derived from each run's matrix, so older results.json files have it too."""
    values = [la for r in method["runs"] if (la := _final_learning_accuracy(r)) is not None]
    return _final_stats(values)


def _final_learning_accuracy(run: dict) -> float | None:
    return continual.learning_accuracy(run["matrix"])[-1] if run.get("matrix") and not run.get("single_step") else None


def forgetting_part_stats(method: dict) -> dict | None:
    """What forgetting cost at the last step: learning accuracy − final Macro-F1, per run, then
    {"mean", "std", "n"}; with the learning part (non-CL − learned) it adds up to the gap to non-CL."""
    values = [la - r["macro_f1"][-1] for r in method["runs"] if r.get("macro_f1") and (la := _final_learning_accuracy(r)) is not None]
    return _final_stats(values)


def final_gap_stats(method: dict) -> dict | None:
    """Non-CL − method at the last step, per run against the bound run it was compared with."""
    values = [r["upper_bound"]["macro_f1"][-1] - r["macro_f1"][-1] for r in method["runs"]
              if r.get("macro_f1") and (r.get("upper_bound") or {}).get("macro_f1")]
    return _final_stats(values)


def final_stats(stats: dict) -> dict | None:
    """The last step of a per-step {"mean", "std", "n"} (macro_f1_stats, upper_stats)."""
    return {"mean": stats["mean"][-1], "std": stats["std"][-1], "n": stats["n"]} if stats and stats["mean"] else None


def comparison(methods: Sequence[dict], upper: dict | None) -> list[dict]:
    """One row per method, then the non-CL bound: {"label", "final", "learned", "forgetting", "gap"}
    (each {"mean", "std", "n"} at the last step, or None) and "curve" (mean Macro-F1 per step)."""
    rows = []
    for method in methods:
        curve = macro_f1_stats(method)
        rows.append({"label": method["label"], "final": final_stats(curve), "learned": learning_accuracy_stats(method),
                     "forgetting": forgetting_part_stats(method), "gap": final_gap_stats(method), "curve": curve["mean"]})
    bound = upper_stats(upper)
    if bound:
        rows.append({"label": upper["label"], "final": final_stats(bound), "learned": None, "forgetting": None, "gap": None,
                     "curve": bound["mean"]})
    return rows


def forgetting_stats(method: dict) -> dict[str, dict]:
    """Mean forgetting, BWT and SpanKL's mean BI: {"mean", "std", "n"} over the runs that have them."""
    out = {}
    for key in ("mean", "bwt", "mean_backward_interference"):
        values = [r["forgetting"][key] for r in method["runs"] if (r.get("forgetting") or {}).get(key) is not None]
        out[key] = _final_stats(values)
    return out


def mean_matrix(method: dict) -> tuple[list[list[float]], list[str]]:
    """The matrix (rows = after step k, ragged lower triangle) and its column names. An experiment's
    results.json already holds the mean by position in the stream (task j = each order's j-th task)."""
    results = method["results"]
    matrix = [list(row) for row in results.get("matrix") or []]
    tasks = list(results.get("tasks") or [f"task {j + 1}" for j in range(len(matrix))])
    return matrix, tasks


def task_curves(method: dict) -> dict[str, tuple[list[int], list[float]]]:
    """Per task: the steps from the one that learned it to the last, and its F1 at each."""
    matrix, tasks = mean_matrix(method)
    out = {}
    for j, task in enumerate(tasks[: len(matrix)]):
        steps = list(range(j + 1, len(matrix) + 1))
        out[task] = (steps, [matrix[k - 1][j] for k in steps])
    return out


def per_type_series(runs: Sequence[dict], per_step: Callable[[dict], Sequence[dict]]) -> dict[str, tuple[list[int], list[float]]]:
    """type → (steps, mean over runs) of a per-step {type: value} record; a type is averaged over the
    runs that have a value for it at that step (orders differ, so steps do too)."""
    values: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for run in runs:
        for k, by_type in enumerate(per_step(run)):
            for kind, value in (by_type or {}).items():
                if value is not None:
                    values[kind][k + 1].append(float(value))
    return {kind: (sorted(steps), [float(np.mean(steps[s])) for s in sorted(steps)]) for kind, steps in sorted(values.items())}


def thresholds_by_type(method: dict) -> dict[str, tuple[list[int], list[float]]]:
    return per_type_series(method["runs"], lambda run: run.get("thresholds") or [])


def _kept_quality(field: str) -> Callable[[dict], list[dict]]:
    def per_step(run: dict) -> list[dict]:
        quality = [(p or {}).get("quality_kept") or {} for p in run.get("pseudo") or []]
        return [{kind: q.get(field) for kind, q in by_type.items()} for by_type in quality]

    return per_step


def pseudo_precision_by_type(method: dict) -> dict[str, tuple[list[int], list[float]]]:
    """Precision of the kept pseudo-labels against the step's gold (None when nothing was kept: left out)."""
    return per_type_series(method["runs"], _kept_quality("precision"))


def pseudo_recall_by_type(method: dict) -> dict[str, tuple[list[int], list[float]]]:
    """Recall of the kept pseudo-labels: the share of an old type's gold mentions in the step's training
    data that the student is still taught (the threshold's cost, where gold for old types exists)."""
    return per_type_series(method["runs"], _kept_quality("recall"))
