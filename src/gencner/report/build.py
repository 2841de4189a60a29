"""Writes a report folder: the PNG figures and report.md that embeds them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from gencner.atomic import write_text
from gencner.report import figures, given_bounds, tables
from gencner.report.loading import Method, ReportInputs, UpperBound

CAPTIONS = {
    "matrix": "F1 matrix",
    "task_curves": "Per-task F1 after learning",
    "thresholds": "Pseudo-label thresholds per type",
    "pseudo_precision": "Precision of kept pseudo-labels per type",
    "pseudo_recall": "Recall of kept pseudo-labels per type (share of the old types' gold still taught)",
}
MISSING = {
    "thresholds": "{label}: no thresholds (the method keeps no pseudo-labels, or none were scored).",
    "pseudo_precision": "{label}: no pseudo-label precision (no pseudo-label was kept).",
    "pseudo_recall": "{label}: no pseudo-label recall (no pseudo-label was kept).",
}


def file_stem(label: str) -> str:
    """A label as a file name part: letters, digits, dot, dash and underscore only."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", label).strip("_") or "method"


def save(figure, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=120, bbox_inches="tight")  # keeps the legend beside the axes


def upper_notes(methods: Sequence[Method], upper: UpperBound | None) -> list[str]:
    """What a reader of the bound row and gap rows should know: no bound at all, or several pooled."""
    if not upper:
        return ["No non-CL upper bound in these runs (run them with `gencner experiment`)."]
    # the methods compared with this bound's runs (another family's bound is another row)
    ours = set(upper.runs)
    compared_with = {frozenset(r.upper_bound.run for r in m.runs if r.upper_bound and r.upper_bound.run in ours) for m in methods}
    if len(compared_with - {frozenset()}) > 1:  # e.g. experiments of different settings in one report
        return [
            f"The methods were compared with different upper-bound runs: the bound row pools all {len(upper.runs)} "
            "(cut to the steps they share); each gap row uses the method's own."
        ]
    return []


def write_figures(inputs: ReportInputs, out: Path) -> tuple[list[tuple[str, str]], list[str]]:
    """Saves every figure under `out`; returns (caption, file name) pairs and notes on skipped ones."""
    methods, upper = inputs.methods, inputs.upper
    written = [("Forgetting curves: Macro-F1 per step against the non-CL upper bound", "forgetting_curves.png")]
    save(figures.forgetting_curves(methods, upper), out / written[0][1])
    written.append(("Gap decomposition: Macro-F1, forgetting and what was not learned, at the last step", "gap_decomposition.png"))
    save(figures.gap_decomposition(methods, upper), out / written[-1][1])
    notes = [*inputs.notes, *upper_notes(methods, upper)]
    for method in methods:
        for kind, figure in figures.method_figures(method).items():
            if figure is None:
                notes.append(MISSING[kind].format(label=method.label))
                continue
            name = f"{kind}-{file_stem(method.label)}.png"
            save(figure, out / name)
            written.append((f"{CAPTIONS[kind]}: {method.label}", name))
    return written, notes


def write_report(folders: Iterable[str | Path], out: str | Path | None = None, bounds: Iterable[str | Path] = ()) -> Path:
    """Loads the folders, writes the figures and report.md into `out` (default: <first folder>/report)
    and returns the path of report.md; `bounds`: single-step runs to compare runs without a bound with."""
    folders = [Path(f) for f in folders]
    inputs = given_bounds.load_report_inputs(folders, bounds)
    out = Path(out) if out is not None else folders[0] / "report"
    written, notes = write_figures(inputs, out)
    path = out / "report.md"
    write_text(path, tables.render_report(inputs.methods, inputs.uppers, written, notes))
    return path
