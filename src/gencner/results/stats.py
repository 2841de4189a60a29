"""Statistics over runs (permutations and seeds): the one place where a mean, a std or a count over runs
is computed, for the experiment's results.json, the console tables, the report, W&B and the notebook.
Each run's own scores come from its matrix (gencner.metrics.continual, RunResult's properties).

The std is the *population* std (ddof = 0, numpy's default and what SpanKL prints). A curve (one value
per step) is averaged over the runs that have one, cut to the steps they all have, so each step averages
the same runs; a final number is averaged over the runs that have it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gencner.metrics import continual

if TYPE_CHECKING:
    from gencner.results.run_result import RunResult


@dataclass(frozen=True)
class Stat:
    """One number over `n` runs."""

    mean: float
    std: float
    n: int

    def to_json(self) -> dict:
        return {"mean": self.mean, "std": self.std, "n": self.n}


@dataclass(frozen=True)
class CurveStats:
    """A per-step curve over `n` runs: its mean and std at each step."""

    mean: list[float]
    std: list[float]
    n: int

    def at(self, k: int) -> Stat | None:
        return Stat(self.mean[k], self.std[k], self.n) if k < len(self.mean) else None

    def final(self) -> Stat | None:
        return self.at(len(self.mean) - 1) if self.mean else None


def mean_std(values_per_run: Sequence[Sequence[float]]) -> tuple[list[float], list[float]]:
    """Per step, the mean and the population std across runs of different lengths (an unfinished run),
    cut to the steps every run has; the extra steps of longer runs are left out."""
    if not values_per_run:
        raise ValueError("mean_std needs at least one run")
    n_steps = min(len(run) for run in values_per_run)
    if n_steps == 0:
        return [], []
    table = np.array([[float(v) for v in run[:n_steps]] for run in values_per_run], dtype=float)
    return table.mean(axis=0).tolist(), table.std(axis=0).tolist()


def curve_stats(curves: Iterable[Sequence[float] | None]) -> CurveStats:
    """Mean and std per step of the curves given; a run without one (None, empty) is left out."""
    present = [list(c) for c in curves if c]
    if not present:
        return CurveStats([], [], 0)
    mean, std = mean_std(present)
    return CurveStats(mean, std, len(present))


def value_stats(values: Iterable[float | None]) -> Stat | None:
    """Mean and std of one number over the runs that have it; None when none has."""
    present = [float(v) for v in values if v is not None]
    return Stat(float(np.mean(present)), float(np.std(present)), len(present)) if present else None


def mean_matrix(matrices: Sequence[Sequence[Sequence[float]]]) -> list[list[float]]:
    """The matrix averaged cell by cell, by position in the stream (task j = each order's j-th task),
    over the steps every run has."""
    if not matrices:
        return []
    rows = min(len(m) for m in matrices)
    return [mean_std([m[k] for m in matrices])[0] for k in range(rows)]


def gap_of_means(bound: CurveStats, method: CurveStats) -> list[float]:
    """The bound's mean Macro-F1 − the method's, per step (the steps both have)."""
    return continual.gap(bound.mean, method.mean)


def macro_f1_stats(runs: Sequence[RunResult]) -> CurveStats:
    return curve_stats(r.macro_f1 for r in runs)


def micro_f1_stats(runs: Sequence[RunResult]) -> CurveStats:
    return curve_stats(r.micro_f1 for r in runs)


def learning_accuracy_stats(runs: Sequence[RunResult]) -> CurveStats:
    return curve_stats(r.learning_accuracy for r in runs)


def bound_stats(runs: Sequence[RunResult]) -> tuple[CurveStats, list[str | None]]:
    """The Macro-F1 of the bound runs these runs were compared with, and those runs' folders."""
    compared = [r.upper_bound for r in runs if r.upper_bound and r.upper_bound.macro_f1]
    return curve_stats(u.macro_f1 for u in compared), [u.run for u in compared]


def method_gap(runs: Sequence[RunResult]) -> list[float]:
    """Non-CL − method per step, from the bound runs the method's own runs were compared with."""
    bound, _ = bound_stats(runs)
    if any(r.upper_bound and r.upper_bound.last_step_only for r in runs):
        return []  # a bound of the last step only: the final gap, no curve (UpperBoundRef.last_step_only)
    return gap_of_means(bound, macro_f1_stats(runs)) if bound.n else []


def final_learned_stats(runs: Sequence[RunResult]) -> Stat | None:
    """The last step's learning accuracy over the runs (the Macro-F1 without forgetting)."""
    return value_stats(r.final_learned for r in runs)


def final_forgotten_stats(runs: Sequence[RunResult]) -> Stat | None:
    """What forgetting cost at the last step, learned − Macro-F1, per run; with the learning part
    (non-CL − learned) it adds up to the gap to non-CL."""
    return value_stats(r.final_forgotten for r in runs)


def final_learning_part_stats(runs: Sequence[RunResult]) -> Stat | None:
    """Non-CL − learned at the last step, per run: the part of the gap that forgetting does not explain."""
    return value_stats(r.final_learning_part for r in runs)


def final_gap_stats(runs: Sequence[RunResult]) -> Stat | None:
    """Non-CL − method at the last step, per run against the bound run it was compared with."""
    return value_stats(r.final_gap for r in runs)


FORGETTING_SCORES = ("mean", "bwt", "mean_backward_interference")


def forgetting_stats(runs: Sequence[RunResult]) -> dict[str, Stat | None]:
    """Mean forgetting, BWT and SpanKL's mean BI over the runs that have them."""
    return {key: value_stats(getattr(r.forgetting, key) for r in runs) for key in FORGETTING_SCORES}


@dataclass(frozen=True)
class ComparisonRow:
    """One row of the comparison: at the last step Macro-F1, learned, forgotten (learned − Macro-F1)
    and the gap to non-CL over runs (None where it does not apply), then the mean Macro-F1 curve."""

    label: str
    final: Stat | None
    learned: Stat | None
    forgetting: Stat | None
    gap: Stat | None
    curve: list[float]

    def to_json(self) -> dict:
        stats = {
            key: s.to_json() if s else None
            for key, s in (("final", self.final), ("learned", self.learned), ("forgetting", self.forgetting), ("gap", self.gap))
        }
        return {"label": self.label, **stats, "curve": self.curve}


def comparison_row(label: str, runs: Sequence[RunResult]) -> ComparisonRow:
    curve = macro_f1_stats(runs)
    return ComparisonRow(label, curve.final(), final_learned_stats(runs), final_forgotten_stats(runs), final_gap_stats(runs), curve.mean)


def bound_row(label: str, bound: CurveStats) -> ComparisonRow:
    return ComparisonRow(label, bound.final(), None, None, None, bound.mean)
