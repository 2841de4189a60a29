"""Rich output on stderr (stdout stays machine-readable), and the tables gencner prints."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

console = Console(stderr=True)


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
