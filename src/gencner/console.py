"""Rich output on stderr (stdout stays machine-readable), and the tables gencner prints."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from gencner.results import ComparisonRow, CurveStats, ExperimentResult, RunResult, as_run_result
from gencner.results.formatting import COMPARISON_HEADER, comparison_cells, count, curve_cells, point_at, points, points_cells

console = Console(stderr=True)
if not console.is_terminal:  # logs and CI: rich would wrap tables at 80 columns
    console.width = 160


@contextmanager
def progress_bar(description: str, total: int, unit: str = "sentences") -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr; yields `advance(n)`. When stderr is not a terminal (a log file on
    a GPU box), one line with the count and the time it took instead."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn())
    started = time.perf_counter()
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:
        task = progress.add_task(description, total=total)
        yield lambda n=1: progress.advance(task, n)
    if not console.is_terminal:
        console.print(f"{description}: {total:,} {unit} in {time.perf_counter() - started:.1f} s", highlight=False)


def _total(counts: dict[str, int]) -> str:
    """ "1,234" for one type, "1,234 (6 types)" for several: Few-NERD tasks hold up to 12 types."""
    total = count(sum(counts.values()))
    return total if len(counts) <= 1 else f"{total} ({len(counts)} types)"


def _types(types: list[str], limit: int = 2) -> str:
    return ", ".join(types[:limit]) + (f" +{len(types) - limit}" if len(types) > limit else "")


def stream_table(summary: dict) -> Table:
    title = f"{summary['dataset']} · {summary['setting']} · permutation {summary['permutation_index']}"
    table = Table(title=title, header_style="bold")
    for column in ("step", "task", "new types", "train", "dev", "test", "train gold", "test gold"):
        table.add_column(column, justify="left" if column in ("task", "new types") else "right")
    for step in summary["steps"]:
        table.add_row(
            str(step["step"]),
            step["task"],
            _types(step["new_types"]),
            count(step["train_sentences"]),
            count(step["dev_sentences"]),
            count(step["test_sentences"]),
            _total(step["train_entities"]),
            _total(step["test_entities"]),
        )
    return table


def report_table(report: dict) -> Table | None:
    rows = [("repaired", k, v) for k, v in report.get("repairs", {}).items()]
    rows += [("dropped", k, v) for k, v in report.get("drops", {}).items()]
    if not rows:
        return None
    table = Table(title=f"reader: {report.get('source', '')}", header_style="bold")
    table.add_column("what")
    table.add_column("reason")
    table.add_column("count", justify="right")
    table.add_column("first places")
    for kind, reason, n in rows:
        table.add_row(kind, reason, str(n), ", ".join(report.get("examples", {}).get(reason, [])[:3]))
    return table


def _run_title(run: RunResult, title: str) -> str:
    name = f"{run.method} · {run.dataset} · {run.setting} · perm {run.permutation}"
    return f"{name}{' · ' + title if title else ''}"


def matrix_table(results: RunResult | Mapping, title: str = "") -> Table:
    """SpanKL's printout: rows = after step k, columns = tasks in stream order, then Micro/Macro-F1,
    "learned" (the learning accuracy: the Macro-F1 had no task's F1 changed since the step that learned it,
    so that learned − Macro-F1 is what forgetting cost), the upper bound and gap when known; a last row with
    each task's forgetting (BI). `results`: a run's result, or the results.json of a run or of a one-run
    experiment (which holds its run's details)."""
    run = as_run_result(results)
    upper, gap = (run.upper_bound.macro_f1, run.gap) if run.upper_bound else (None, None)
    if run.upper_bound and run.upper_bound.last_step_only:  # its one point is the last step's bound
        last = [None] * (run.n_steps - 1)
        upper, gap = last + upper, last + [run.final_gap if len(run.matrix) == run.n_steps else None]
    table = Table(title=_run_title(run, title), header_style="bold")
    table.add_column("after")
    for task in run.tasks:
        table.add_column(task, justify="right")
    for column in ("Micro-F1", "Macro-F1") + (() if run.single_step else ("learned",)) + (("upper", "gap") if upper else ()):
        table.add_column(column, justify="right", style="bold" if column == "Macro-F1" else None)
    if run.single_step:
        for row in run.matrix:
            table.add_row("offline", *(points(v) for v in row), points(run.micro_f1[0]), points(run.macro_f1[0]))
        return table
    n_tasks = len(run.tasks)
    for k, row in enumerate(run.matrix):
        extra = [points(run.micro_f1[k]), points(run.macro_f1[k]), points(run.learning_accuracy[k])]
        if upper:
            extra += [point_at(upper, k, missing=""), point_at(gap, k, missing="")]
        table.add_row(f"step {k + 1}", *points_cells(row, n_tasks, missing=""), *extra)
    if len(run.matrix) > 1:
        f = run.forgetting
        table.add_row(
            "BI",
            *points_cells(f.backward_interference, n_tasks, missing=""),
            points(f.mean_backward_interference, missing=""),
            "",
            "",
            *([""] * 2 if upper else []),
            style="dim",
        )
    return table


def experiment_table(summary: ExperimentResult | Mapping) -> Table:
    """Published CNER tables' layout: rows = steps, Macro-F1, Micro-F1 and the learning accuracy as
    mean ± std over permutations and seeds, next to the non-CL upper bound and the gap."""
    exp = summary if isinstance(summary, ExperimentResult) else ExperimentResult.from_json(summary)
    title = f"{exp.method} · {exp.dataset} · {exp.setting} · {len(exp.runs)} runs (mean ± std)"
    table = Table(title=title, header_style="bold")
    with_learned = not exp.single_step  # an offline run learns every task at once
    for column in ("step", "Macro-F1", "Micro-F1") + (("learned",) if with_learned else ()) + ("non-CL", "gap"):
        table.add_column(column, justify="right")
    n_steps = len(exp.macro_f1.mean)
    curves = [exp.macro_f1, exp.micro_f1] + ([exp.learning_accuracy] if with_learned else [])
    bound = exp.upper_bound.macro_f1 if exp.upper_bound else CurveStats([], [], 0)
    columns = [curve_cells(c, n_steps, missing="") for c in curves]
    if exp.upper_bound and exp.upper_bound.last_step_only:  # one point each: the last step's bound and gap
        last = [""] * (exp.n_steps - 1)
        columns += [last + curve_cells(bound, 1, missing=""), last + [points(exp.final_gap, missing="")]]
    else:
        columns += [curve_cells(bound, n_steps, missing=""), points_cells(exp.gap, n_steps, missing="")]
    for k in range(n_steps):
        table.add_row(str(k + 1), *(column[k] for column in columns))
    return table


def comparison_table(rows: Sequence[ComparisonRow], title: str) -> Table:
    """The comparison (report.series.comparison) as a console table: per method the last step's
    Macro-F1, learned, forgetting and gap to non-CL (mean ± std over runs), then the mean Macro-F1 curve."""
    n_steps = max((len(r.curve) for r in rows), default=0)
    table = Table(title=title, header_style="bold")
    for k, column in enumerate([*COMPARISON_HEADER, *(f"step {s + 1}" for s in range(n_steps))]):
        table.add_column(column, justify="left" if k == 0 else "right", style="bold" if k == 1 else None)
    for row in rows:
        table.add_row(*comparison_cells(row, n_steps))
    return table
