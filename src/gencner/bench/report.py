"""The benchmark's table."""

from __future__ import annotations

from rich.table import Table


def _fmt(value, pattern: str) -> str:
    return "" if value is None else pattern.format(value)


def bench_table(results: dict) -> Table:
    model = results.get("model", {})
    title = f"gencner bench · {results['device']} · model={model.get('name')} ({model.get('parameters', 0) / 1e6:,.0f} M parameters)"
    table = Table(title=title, header_style="bold")
    for column in ("workload", "mode", "sent/s", "tok/s", "TFLOP/s", "% peak", "peak GB", "syncs/batch", "× paper", "protocol min"):
        table.add_column(column, justify="left" if column in ("workload", "mode") else "right")
    estimate = list(results.get("estimate", {}).values())
    for kind in ("train", "decode"):
        for i, row in enumerate(results[kind]):
            minutes = estimate[i]["total_minutes"] if kind == "train" and i < len(estimate) else None
            table.add_row(
                "train+KD" if kind == "train" else "decode",
                row["mode"],
                f"{row['sentences_per_s']:,.1f}",
                f"{row['tokens_per_s']:,.0f}",
                f"{row['tflops']:.2f}",
                _fmt(row.get("share_of_peak"), "{:.0%}"),
                _fmt(row.get("peak_memory_gb"), "{:.1f}"),
                _fmt(row.get("host_syncs_per_batch"), "{:.1f}"),
                _fmt(row.get("ratio_to_paper"), "{:.2f}"),
                _fmt(minutes, "{:.0f}"),
            )
    return table
