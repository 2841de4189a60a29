"""The series the figures and tables show besides the statistics over runs (gencner.results.stats):
the comparison rows, the matrix and per-task curves, and per-type series (thresholds, pseudo-label
precision and recall). Scores stay fractions here; figures and tables turn them into points."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace

from gencner.report.loading import Method, UpperBound
from gencner.results import RunResult, stats
from gencner.results.stats import ComparisonRow


def comparison(methods: Sequence[Method], uppers: Sequence[UpperBound]) -> list[ComparisonRow]:
    """One row per method, then each family's non-CL bound (its learned, forgetting and gap do not apply)."""
    rows = [stats.comparison_row(method.label, method.runs) for method in methods]
    n_steps = max((len(row.curve) for row in rows), default=0)
    for upper in uppers:
        if upper.stats.n:
            row = stats.bound_row(upper.label, upper.stats)
            rows.append(replace(row, curve=upper.mean_curve(max(n_steps, len(row.curve)))))
    return rows


def mean_matrix(method: Method) -> tuple[list[list[float]], list[str]]:
    """The matrix (rows = after step k, ragged lower triangle) and its column names. An experiment's
    results.json already holds the mean by position in the stream (task j = each order's j-th task)."""
    matrix = [list(row) for row in method.results.matrix]
    tasks = list(method.results.tasks or [f"task {j + 1}" for j in range(len(matrix))])
    return matrix, tasks


def task_curves(method: Method) -> dict[str, tuple[list[int], list[float]]]:
    """Per task: the steps from the one that learned it to the last, and its F1 at each."""
    matrix, tasks = mean_matrix(method)
    out = {}
    for j, task in enumerate(tasks[: len(matrix)]):
        steps = list(range(j + 1, len(matrix) + 1))
        out[task] = (steps, [matrix[k - 1][j] for k in steps])
    return out


def per_type_series(runs: Sequence[RunResult], per_step: Callable[[RunResult], Sequence[dict]]) -> dict[str, tuple[list[int], list[float]]]:
    """type → (steps, mean over runs) of a per-step {type: value} record; a type is averaged over the
    runs that have a value for it at that step (orders differ, so steps do too)."""
    values: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for run in runs:
        for k, by_type in enumerate(per_step(run)):
            for kind, value in (by_type or {}).items():
                if value is not None:
                    values[kind][k + 1].append(float(value))
    return {kind: (sorted(steps), [stats.value_stats(steps[s]).mean for s in sorted(steps)]) for kind, steps in sorted(values.items())}


def thresholds_by_type(method: Method) -> dict[str, tuple[list[int], list[float]]]:
    return per_type_series(method.runs, lambda run: [step.thresholds for step in run.steps])


def _kept_quality(field: str) -> Callable[[RunResult], list[dict]]:
    def per_step(run: RunResult) -> list[dict]:
        quality = [(step.pseudo or {}).get("quality_kept") or {} for step in run.steps]
        return [{kind: q.get(field) for kind, q in by_type.items()} for by_type in quality]

    return per_step


def pseudo_precision_by_type(method: Method) -> dict[str, tuple[list[int], list[float]]]:
    """Precision of the kept pseudo-labels against the step's gold (None when nothing was kept: left out)."""
    return per_type_series(method.runs, _kept_quality("precision"))


def pseudo_recall_by_type(method: Method) -> dict[str, tuple[list[int], list[float]]]:
    """Recall of the kept pseudo-labels: the share of an old type's gold mentions in the step's training
    data that the student is still taught (the threshold's cost, where gold for old types exists)."""
    return per_type_series(method.runs, _kept_quality("recall"))
