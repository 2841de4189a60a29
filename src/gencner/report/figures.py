"""The report's figures: pure functions from loaded methods (loading.py) to matplotlib Figures.

Figures are built without pyplot on an Agg canvas: nothing global is touched, nothing needs a display,
and a long report does not keep every figure alive. Scores are drawn in points (F1 × 100)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from gencner.report import series
from gencner.report.loading import Method, UpperBound
from gencner.results import stats
from gencner.results.formatting import points
from gencner.results.stats import CurveStats

POINTS = 100.0


def new_figure(width: float = 6.4, height: float = 4.2) -> tuple[Figure, object]:
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure, figure.subplots()


def _curve(ax, curve: CurveStats, label: str, **style) -> None:
    steps = np.arange(1, len(curve.mean) + 1)
    mean = np.array(curve.mean) * POINTS
    (line,) = ax.plot(steps, mean, marker="o", label=label, **style)
    if curve.n > 1:  # a band only means something over several permutations or seeds
        std = np.array(curve.std) * POINTS
        low, high = np.clip(mean - std, 0, POINTS), np.clip(mean + std, 0, POINTS)  # F1 lives in [0, 100]
        ax.fill_between(steps, low, high, color=line.get_color(), alpha=0.15, linewidth=0)


def _legend(ax, **options) -> None:
    """Beside the axes, not on them: curves of a collapsing method and of the bound fill every corner."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, **options)


def _step_axis(ax, n_steps: int, ylabel: str) -> None:
    ax.set_xlabel("step")
    ax.set_ylabel(ylabel)
    if n_steps:
        ax.set_xticks(range(1, n_steps + 1))
    ax.grid(alpha=0.3)


def forgetting_curves(methods: Sequence[Method], upper: UpperBound | None = None, title: str | None = None) -> Figure:
    """Macro-F1 after each step: one line per method (mean, ±std band over runs) and the non-CL upper
    bound dashed, as in the paper's figure."""
    figure, ax = new_figure()
    n_steps = 0
    for method in methods:
        curve = stats.macro_f1_stats(method.runs)
        _curve(ax, curve, method.label)
        n_steps = max(n_steps, len(curve.mean))
    if upper and upper.last_step_only:  # one point, at the methods' last step
        final = upper.stats.final()
        ax.plot([n_steps], [final.mean * POINTS], marker="*", markersize=12, linestyle="none", color="black", label=upper.label)
    elif upper:
        _curve(ax, upper.stats, upper.label, linestyle="--", color="black")
        n_steps = max(n_steps, len(upper.stats.mean))
    _step_axis(ax, n_steps, "Macro-F1 (points)")
    ax.set_title(title or "Macro-F1 per step")
    _legend(ax)
    return figure


def gap_decomposition(methods: Sequence[Method], upper: UpperBound | None = None) -> Figure:
    """One bar per method at the last step: its Macro-F1 (± std over runs), then what forgetting cost
    (learned − Macro-F1), then what the steps did not learn (non-CL − learned) up to the bound's line."""
    rows = series.comparison(methods, [])  # the bound is the dashed line, not a bar
    bound = upper.stats.final() if upper else None
    figure, ax = new_figure(6.4, 1.2 + 0.5 * max(len(rows), 1))
    for y, (row, method) in enumerate(zip(rows, methods, strict=True)):
        final = row.final.mean * POINTS if row.final else 0.0
        forgetting = max(row.forgetting.mean * POINTS, 0.0) if row.forgetting else 0.0
        xerr = row.final.std * POINTS if row.final and row.final.n > 1 else None
        ax.barh(y, final, color="tab:blue", xerr=xerr, capsize=3, label="Macro-F1" if y == 0 else None)
        ax.barh(y, forgetting, left=final, color="tab:red", alpha=0.6, label="forgetting (learned − Macro-F1)" if y == 0 else None)
        # each method's own bound (families differ), the line's where a run recorded none
        own = stats.final_learning_part_stats(method.runs)
        if own or bound:
            learning = max(own.mean * POINTS if own else bound.mean * POINTS - final - forgetting, 0.0)
            ax.barh(
                y,
                learning,
                left=final + forgetting,
                color="tab:gray",
                alpha=0.35,
                label="not learned (non-CL − learned)" if y == 0 else None,
            )
    if bound:
        ax.axvline(bound.mean * POINTS, color="black", linestyle="--", label=upper.label)
    ax.set_yticks(range(len(rows)), [r.label for r in rows])
    ax.invert_yaxis()  # first method on top, as in the tables
    ax.set_xlim(0, POINTS)
    ax.set_xlabel("points at the last step")
    ax.set_title("Where the gap to non-CL goes")
    ax.grid(alpha=0.3, axis="x")
    _legend(ax, fontsize=8)
    return figure


def f1_matrix_heatmap(method: Method) -> Figure:
    """The F1 matrix (row = after step k, column = task), lower triangle only, every cell annotated."""
    matrix, tasks = series.mean_matrix(method)
    # an offline run (setting=offline) has one full row, a CL run a square lower triangle
    n_rows, n_cols = max(len(matrix), 1), max([len(row) for row in matrix] + [1])
    grid = np.full((n_rows, n_cols), np.nan)
    for k, row in enumerate(matrix):
        grid[k, : len(row)] = np.array(row, dtype=float) * POINTS
    figure, ax = new_figure(1.6 + 0.9 * n_cols, 1.2 + 0.8 * n_rows)
    image = ax.imshow(np.ma.masked_invalid(grid), vmin=0, vmax=POINTS, cmap="viridis")
    for k, row in enumerate(matrix):
        for j, value in enumerate(row):
            color = "white" if grid[k, j] < 60 else "black"
            ax.text(j, k, points(value, decimals=1), ha="center", va="center", color=color, fontsize=9)
    ax.set_xticks(range(n_cols), tasks[:n_cols], rotation=30, ha="right")
    ax.set_yticks(range(n_rows), [f"after {k + 1}" for k in range(n_rows)])
    runs = f" (mean of {len(method.runs)} runs)" if len(method.runs) > 1 else ""
    ax.set_title(f"F1 matrix: {method.label}{runs}", fontsize=10)
    figure.colorbar(image, ax=ax, label="F1 (points)")
    return figure


def task_forgetting_curves(method: Method) -> Figure:
    """Each task's F1 from the step that learned it to the last: how fast it is forgotten."""
    figure, ax = new_figure()
    curves = series.task_curves(method)
    for task, (steps, values) in curves.items():
        ax.plot(steps, np.array(values) * POINTS, marker="o", label=task)
    _step_axis(ax, len(curves), "task F1 (points)")
    ax.set_title(f"F1 of each task after it was learned: {method.label}")
    if curves:
        _legend(ax, fontsize=8)
    return figure


def per_type_figure(by_type: dict, title: str, ylabel: str, n_steps: int) -> Figure | None:
    """One line per entity type over the steps; None when there is nothing to draw."""
    if not by_type:
        return None
    figure, ax = new_figure()
    for kind, (steps, values) in by_type.items():
        ax.plot(steps, values, marker="o", label=kind)
    _step_axis(ax, n_steps, ylabel)
    ax.set_title(title)
    _legend(ax, fontsize=8)
    return figure


def _n_steps(method: Method) -> int:
    return max((len(r.macro_f1) for r in method.runs), default=0)


def thresholds_figure(method: Method) -> Figure | None:
    """τ per type per step (GenCNER and pseudo-only); None for methods without pseudo-labels."""
    return per_type_figure(
        series.thresholds_by_type(method), f"Pseudo-label thresholds: {method.label}", "threshold τ (confidence)", _n_steps(method)
    )


def _pseudo_quality_figure(by_type: dict, what: str, method: Method) -> Figure | None:
    by_type = {kind: (steps, [v * POINTS for v in values]) for kind, (steps, values) in by_type.items()}
    return per_type_figure(by_type, f"{what.capitalize()} of kept pseudo-labels: {method.label}", f"{what} (points)", _n_steps(method))


def pseudo_precision_figure(method: Method) -> Figure | None:
    """Precision of the kept pseudo-labels per type per step; None when no pseudo-label was kept."""
    return _pseudo_quality_figure(series.pseudo_precision_by_type(method), "precision", method)


def pseudo_recall_figure(method: Method) -> Figure | None:
    """Recall of the kept pseudo-labels per type per step (how much of each old type is still taught)."""
    return _pseudo_quality_figure(series.pseudo_recall_by_type(method), "recall", method)


def history_curves(rows: Sequence[dict], title: str = "W&B history") -> Figure:
    """cl/macro_f1 and cl/upper_macro_f1 against cl/step from W&B history rows (e.g. Run.scan_history)."""
    figure, ax = new_figure()
    rows = sorted((r for r in rows if r.get("cl/step") is not None), key=lambda r: r["cl/step"])
    for key, label, style in (("cl/macro_f1", "CL run", {}), ("cl/upper_macro_f1", "upper bound", {"linestyle": "--", "color": "black"})):
        xy = [(r["cl/step"], r[key] * POINTS) for r in rows if r.get(key) is not None]
        if xy:
            ax.plot(*zip(*xy, strict=True), marker="o", label=label, **style)
    _step_axis(ax, len(rows), "Macro-F1 (points)")
    ax.set_title(title)
    if ax.get_lines():
        _legend(ax)
    return figure


def method_figures(method: Method) -> dict[str, Figure | None]:
    """The per-method figures by kind (None: not applicable to this method)."""
    return {
        "matrix": f1_matrix_heatmap(method),
        "task_curves": task_forgetting_curves(method),
        "thresholds": thresholds_figure(method),
        "pseudo_precision": pseudo_precision_figure(method),
        "pseudo_recall": pseudo_recall_figure(method),
    }


def legend_labels(figure: Figure) -> list[str]:
    """The legend entries of a figure's first axes (what a reader can tell apart)."""
    legend = figure.axes[0].get_legend()
    return [text.get_text() for text in legend.get_texts()] if legend else []
