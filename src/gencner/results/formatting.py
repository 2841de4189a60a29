"""How numbers are written as text, for the console and report.md alike: scores (fractions in [0, 1])
as points with two decimals, a score over runs as `mean ± std`, counts with thousands separators."""

from __future__ import annotations

from collections.abc import Sequence

from gencner.results.stats import ComparisonRow, CurveStats, Stat

DASH = "–"  # a cell with no number: the step does not exist, or the score does not apply


def points(value: float | None, missing: str = DASH, decimals: int = 2) -> str:
    """A score in [0, 1] as points: 0.8125 → "81.25"."""
    return missing if value is None else f"{100 * value:.{decimals}f}"


def mean_pm(stat: Stat | None, missing: str = DASH) -> str:
    """`mean ± std` in points; one run has no spread, so it shows the mean alone."""
    if stat is None:
        return missing
    return f"{points(stat.mean)} ± {points(stat.std)}" if stat.n > 1 else points(stat.mean)


def curve_cells(curve: CurveStats, n_steps: int, missing: str = DASH) -> list[str]:
    """`mean ± std` at each of `n_steps` steps; steps the curve does not reach are `missing`."""
    return [mean_pm(curve.at(k), missing) for k in range(n_steps)]


def point_at(values: Sequence[float | None] | None, k: int, missing: str = DASH) -> str:
    """values[k] in points; `missing` where there is no such entry."""
    return points(values[k], missing) if values is not None and k < len(values) else missing


def points_cells(values: Sequence[float | None] | None, n_cells: int, missing: str = DASH) -> list[str]:
    """One score per cell in points, padded with `missing` to `n_cells`."""
    return [point_at(values, k, missing) for k in range(n_cells)]


def fraction(value: float) -> str:
    """A score as a fraction with four decimals (scores.csv)."""
    return f"{value:.4f}"


def count(n: int) -> str:
    """1234 → "1,234"."""
    return f"{n:,}"


COMPARISON_HEADER = ("Method", "Macro-F1 ↑", "Learned ↑", "Forgetting ↓", "Gap to non-CL ↓")


def comparison_cells(row: ComparisonRow, n_steps: int) -> list[str]:
    """A comparison row as text (COMPARISON_HEADER, then the Macro-F1 curve over `n_steps` steps)."""
    finals = (row.final, row.learned, row.forgetting, row.gap)
    return [row.label, *(mean_pm(s) for s in finals), *points_cells(row.curve, n_steps)]
