"""Several methods' experiments on the same stream (a grid's cells), then one comparison: per method the
last step's Macro-F1, learning accuracy, forgetting (learned − Macro-F1) and gap to non-CL (mean ± std
over permutations and seeds) and the Macro-F1 curve, as `gencner report` computes them (report/series.py)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from gencner.atomic import write_json
from gencner.config.schema import Config
from gencner.console import comparison_table, console
from gencner.experiment import summary_table
from gencner.report import loading, series
from gencner.results import ComparisonRow
from gencner.run_identity import comparison_dir, experiment_dir


def compare(folders: Sequence[Path]) -> list[ComparisonRow]:
    """The comparison rows of finished experiment folders, as the report computes them."""
    inputs = loading.load_report_inputs(folders)
    return series.comparison(inputs.methods, inputs.uppers)


def write_comparison(
    cfgs: Sequence[Config], perms: Sequence[int], seeds: Sequence[int], summaries: Sequence[dict], seconds: float | None
) -> dict:
    """The comparison of the experiments of `cfgs` (their results.json written: `summaries`), printed
    and written with its report; `seconds`: how long it took, when known."""
    folders = [experiment_dir(cfg) for cfg in cfgs]
    rows = compare(folders)
    out = comparison_dir(cfgs[0])
    runs = len(perms) * len(seeds)
    cfg = cfgs[0]
    title = f"{cfg.dataset.name} · {cfg.setting.name} · {cfg.model.name} · {runs} run{'s' if runs > 1 else ''} per method"
    result = {
        "title": title,
        "experiments": [str(f) for f in folders],
        "permutations": list(perms),
        "seeds": list(seeds),
        "rows": [r.to_json() for r in rows],
        "seconds": seconds,
    }
    write_json(out / "comparison.json", result)
    console.print(comparison_table(rows, f"comparison after the last step · {title} (points; mean ± std over runs)"))
    for summary in summaries:
        console.print(summary_table(summary))
    console.print(f"comparison: {out / 'comparison.json'}")
    report = write_comparison_report(folders, out / "report")
    console.print(
        f"figures: {report}"
        if report
        else f"figures: install matplotlib (pip install 'gencner[report]'), then gencner report {' '.join(map(str, folders))}"
    )
    if seconds is not None:
        minutes, rest = divmod(round(seconds), 60)
        console.print(f"{len(cfgs)} methods compared in {minutes} min {rest} s")
    return result


def write_comparison_report(folders: Sequence[Path], out: Path) -> Path | None:
    try:
        from gencner.report.build import write_report  # matplotlib, an optional extra
    except ImportError:
        return None
    return write_report(folders, out)
