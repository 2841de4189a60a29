"""Continual-learning scores on the result matrix R.

R is a ragged lower-triangular list of rows: row k (0-based, "after step k+1") holds R[k][0..k], the F1
of tasks 0..k in stream order after training step k. A run stopped early simply has fewer rows; T below
is the number of rows present (the last row is R[T-1], written R[last]). Scores may be fractions in
[0, 1] or points in [0, 100]: every formula is linear in R (or takes a max), so the unit carries through.

Functions that average over an empty set (forgetting or BWT of a one-row matrix, any mean of an empty
matrix) return None rather than a made-up 0.0: there is no old task to have forgotten.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # span_f1 imports torch; the matrix functions below are used without it (reports)
    from gencner.metrics.span_f1 import SpanF1

Matrix = Sequence[Sequence[float]]


def validate_matrix(matrix: Matrix) -> list[list[float]]:
    """The matrix as a list of float rows; ValueError unless row k has exactly k+1 entries."""
    rows = [[float(v) for v in row] for row in matrix]
    for k, row in enumerate(rows):
        if len(row) != k + 1:
            raise ValueError(
                f"result matrix row {k} (after step {k + 1}) has {len(row)} entries, expected {k + 1}: row k holds the F1 of tasks 0..k"
            )
    return rows


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def matrix_row(per_type_counts: SpanF1 | Mapping, tasks_so_far: Sequence[Iterable[str] | str]) -> list[float]:
    """One row of R: the micro-F1 of each learned task (tasks as lists of types, in stream order),
    ``task_f1(counts, task)`` for each, from the per-type counts of one evaluation."""
    from gencner.metrics.span_f1 import task_f1

    return [task_f1(per_type_counts, task) for task in tasks_so_far]


def micro_f1_pooled(per_type_counts: SpanF1 | Mapping, seen_types: Iterable[str]) -> float:
    """Micro-F1 pooled over all seen types: 2·Σtp / (Σgold + Σpred) over the types of every learned task."""
    from gencner.metrics.span_f1 import task_f1

    return task_f1(per_type_counts, seen_types)


def macro_f1(matrix: Matrix) -> list[float]:
    """The headline step score ("Macro-F1"): MacroF1[k] = (1/(k+1)) · Σ_{j≤k} R[k][j]."""
    return [sum(row) / len(row) for row in validate_matrix(matrix)]


def backward_interference(matrix: Matrix) -> list[float]:
    """SpanKL's backward interference, for every task j = 0..T-1:

        BI_j = R[last][j] − max_{k ≥ j} R[k][j]

    (the max over the rows where task j exists). BI_j ≤ 0; the last task's BI is always 0."""
    rows = validate_matrix(matrix)
    if not rows:
        return []
    last = rows[-1]
    return [last[j] - max(row[j] for row in rows[j:]) for j in range(len(rows))]


def mean_backward_interference(matrix: Matrix) -> float | None:
    """(1/T) · Σ_{j<T} BI_j, the mean over *all* T tasks, the last one (BI = 0) included, as SpanKL prints
    it. None for an empty matrix."""
    return _mean(backward_interference(matrix))


def forgetting(matrix: Matrix) -> list[float]:
    """The common forgetting measure (Chaudhry et al. 2018), for the old tasks j = 0..T-2:

        f_j = max_{j ≤ k < T-1} R[k][j] − R[last][j]

    i.e. the best score before the last step minus the final score; negative when the task improved.
    Empty for a matrix of fewer than two rows (no old task)."""
    rows = validate_matrix(matrix)
    if len(rows) < 2:
        return []
    last = rows[-1]
    return [max(row[j] for row in rows[j:-1]) - last[j] for j in range(len(rows) - 1)]


def mean_forgetting(matrix: Matrix) -> float | None:
    """(1/(T−1)) · Σ_{j<T-1} f_j; None for a matrix of fewer than two rows."""
    return _mean(forgetting(matrix))


def bwt(matrix: Matrix) -> float | None:
    """Backward transfer (Lopez-Paz & Ranzato 2017): how the final model scores each old task compared
    with right after learning it:

        BWT = (1/(T−1)) · Σ_{j<T-1} (R[last][j] − R[j][j])

    None for a matrix of fewer than two rows."""
    rows = validate_matrix(matrix)
    last = rows[-1] if rows else []
    return _mean([last[j] - rows[j][j] for j in range(len(rows) - 1)])


def learning_accuracy(matrix: Matrix) -> list[float]:
    """Learning accuracy per step (Riemer et al. 2019): the mean of each learned task's score right after
    the step that learned it,

        LA[k] = (1/(k+1)) · Σ_{j≤k} R[j][j]

    the Macro-F1 the model would have at step k had no task's F1 changed since the step that learned it
    (a task that improves later makes the difference below negative). It splits the headline score
    into what was learned and what was lost since:

        MacroF1[k] = LA[k] − (1/(k+1)) · Σ_{j≤k} (R[j][j] − R[k][j])

    and the gap to an upper bound into a learning part (upper − LA) and a forgetting part (LA − MacroF1)."""
    rows = validate_matrix(matrix)
    diagonal = [rows[j][j] for j in range(len(rows))]
    return [sum(diagonal[: k + 1]) / (k + 1) for k in range(len(rows))]


def gap(upper: Sequence[float], cl: Sequence[float]) -> list[float]:
    """Gap to the upper bound per step: gap[k] = upper[k] − cl[k] (e.g. non-CL Macro-F1 − CL Macro-F1).
    Only the steps both sequences have (the common prefix) are returned."""
    return [float(u) - float(c) for u, c in zip(upper, cl, strict=False)]
