"""Rich output on stderr (stdout stays machine-readable), and the tables gencner prints."""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Callable, Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from gencner.metrics.continual import learning_accuracy

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
    """"1,234" for one type, "1,234 (6 types)" for several: Few-NERD tasks hold up to 12 types."""
    total = f"{sum(counts.values()):,}"
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
            f"{step['train_sentences']:,}",
            f"{step['dev_sentences']:,}",
            f"{step['test_sentences']:,}",
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
    for kind, reason, count in rows:
        table.add_row(kind, reason, str(count), ", ".join(report.get("examples", {}).get(reason, [])[:3]))
    return table


def _pct(value) -> str:
    return "" if value is None else f"{100 * value:.2f}"


def matrix_table(results: dict, title: str = "") -> Table:
    """SpanKL's printout: rows = after step k, columns = tasks in stream order, then Micro/Macro-F1,
    "learned" (the learning accuracy: the Macro-F1 had no task's F1 changed since the step that learned it,
    so that learned − Macro-F1 is what forgetting cost), the upper bound and gap when known; a last row with each task's forgetting (BI)."""
    tasks = results.get("tasks", [])
    upper = results.get("upper_bound", {}).get("macro_f1")
    name = f"{results.get('method', '')} · {results.get('dataset', '')} · {results.get('setting', '')} · perm {results.get('permutation', '')}"
    table = Table(title=f"{name}{' · ' + title if title else ''}", header_style="bold")
    table.add_column("after")
    for task in tasks:
        table.add_column(task, justify="right")
    single = bool(results.get("single_step"))
    learned = [] if single else learning_accuracy(results.get("matrix", []))
    for column in ("Micro-F1", "Macro-F1") + (() if single else ("learned",)) + (("upper", "gap") if upper else ()):
        table.add_column(column, justify="right", style="bold" if column == "Macro-F1" else None)
    for k, row in enumerate(results.get("matrix", [])):
        if single:
            table.add_row("offline", *[_pct(v) for v in row], _pct(results["micro_f1"][0]), _pct(results["macro_f1"][0]))
            continue
        cells = [_pct(v) for v in row] + [""] * (len(tasks) - len(row))
        extra = [_pct(results["micro_f1"][k]), _pct(results["macro_f1"][k]), _pct(learned[k])]
        if upper:
            extra += [_pct(upper[k]) if k < len(upper) else "", _pct(results["gap"][k]) if k < len(results.get("gap", [])) else ""]
        table.add_row(f"step {k + 1}", *cells, *extra)
    bi = results.get("forgetting", {}).get("backward_interference") or []
    if len(results.get("matrix", [])) > 1 and not single:
        mean = results["forgetting"].get("mean_backward_interference")
        table.add_row("BI", *[_pct(v) for v in bi], *[""] * (len(tasks) - len(bi)), _pct(mean), "", "", *([""] * 2 if upper else []), style="dim")
    return table


def _mean_pm(mean: list, std: list, k: int) -> str:
    if k >= len(mean):
        return ""
    return f"{100 * mean[k]:.2f} ± {100 * std[k]:.2f}" if std else _pct(mean[k])


def experiment_table(summary: dict) -> Table:
    """Published CNER tables' layout: rows = steps, Macro-F1, Micro-F1 and the learning accuracy as
    mean ± std over permutations and seeds, next to the non-CL upper bound and the gap."""
    n = len(summary["runs"])
    table = Table(title=f"{summary['method']} · {summary['dataset']} · {summary['setting']} · {n} runs (mean ± std)", header_style="bold")
    with_learned = not summary.get("single_step")  # an offline run learns every task at once
    for column in ("step", "Macro-F1", "Micro-F1") + (("learned",) if with_learned else ()) + ("non-CL", "gap"):
        table.add_column(column, justify="right")
    upper = summary.get("upper_bound", {})
    for k in range(len(summary["macro_f1"])):
        table.add_row(
            str(k + 1),
            _mean_pm(summary["macro_f1"], summary["macro_f1_std"], k),
            _mean_pm(summary["micro_f1"], summary["micro_f1_std"], k),
            *([_mean_pm(summary.get("learning_accuracy") or [], summary.get("learning_accuracy_std") or [], k)] if with_learned else []),
            _mean_pm(upper.get("macro_f1", []), upper.get("macro_f1_std", []), k),
            _pct(summary["gap"][k]) if k < len(summary.get("gap", [])) else "",
        )
    return table


def comparison_table(rows: list[dict], title: str) -> Table:
    """report.series.comparison as a console table: per method the last step's Macro-F1, learned,
    forgetting and gap to non-CL (mean ± std over runs), then the mean Macro-F1 curve per step."""
    from gencner.report.tables import COMPARISON_HEADER, DASH, comparison_cells

    n_steps = max((len(r["curve"]) for r in rows), default=0)
    table = Table(title=title, header_style="bold")
    for k, column in enumerate([*COMPARISON_HEADER, *(f"step {s + 1}" for s in range(n_steps))]):
        table.add_column(column, justify="left" if k == 0 else "right", style="bold" if k == 1 else None)
    for row in rows:
        table.add_row(*comparison_cells(row), *[DASH] * (n_steps - len(row["curve"])))
    return table
