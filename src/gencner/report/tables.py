"""report.md: markdown tables in the layout of published CNER tables (rows = methods, then the non-CL
bound; columns = steps; Macro-F1 in points as mean ± std over permutations and seeds), the gap to the
bound, forgetting, where every number comes from, and the figures."""

from __future__ import annotations

from typing import Sequence

from gencner.report import series

DASH = "–"


def points(value: float | None) -> str:
    return DASH if value is None else f"{100 * value:.2f}"


def mean_pm(mean: float, std: float, n: int) -> str:
    """`mean ± std` in points; one run has no spread, so it shows the mean alone."""
    return f"{points(mean)} ± {points(std)}" if n > 1 else points(mean)


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: bool = True) -> str:
    """The first column left-aligned, the others right-aligned when they hold numbers."""
    align = "---:" if numeric else "---"
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" if i == 0 else align for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _cells(stats: dict, n_steps: int) -> list[str]:
    return [mean_pm(stats["mean"][k], stats["std"][k], stats["n"]) if k < len(stats["mean"]) else DASH for k in range(n_steps)]


def macro_f1_table(methods: Sequence[dict], upper: dict | None) -> str:
    """Methods, the non-CL bound, then one gap row per method (non-CL − method at each step)."""
    stats = [(m["label"], series.macro_f1_stats(m)) for m in methods]
    bound = series.upper_stats(upper)
    n_steps = max([len(s["mean"]) for _, s in stats] + [len(bound["mean"]) if bound else 0])
    rows = [[label, *_cells(s, n_steps)] for label, s in stats]
    if bound:
        rows.append([f"**{upper['label']}**", *_cells(bound, n_steps)])
    for method in methods:
        gap = series.method_gap(method)
        if gap:
            rows.append([f"Gap: non-CL − {method['label']}", *[points(gap[k]) if k < len(gap) else DASH for k in range(n_steps)]])
    return markdown_table(["Method", *[f"Step {k + 1}" for k in range(n_steps)]], rows)


def learning_and_forgetting_table(methods: Sequence[dict]) -> str:
    """At the last step: the learning accuracy (mean F1 of each task right after it was learned, the
    Macro-F1 without forgetting), mean forgetting (Chaudhry et al.), BWT and SpanKL's mean BI."""
    rows = []
    for method in methods:
        scores = [series.learning_accuracy_stats(method), *series.forgetting_stats(method).values()]
        cells = [mean_pm(s["mean"], s["std"], s["n"]) if s else DASH for s in scores]
        rows.append([method["label"], *cells, str(len(method["runs"]))])
    return markdown_table(["Method", "Learned ↑", "Mean forgetting ↓", "BWT ↑", "Mean BI ↑", "Runs"], rows)


COMPARISON_HEADER = ("Method", "Macro-F1 ↑", "Learned ↑", "Forgetting ↓", "Gap to non-CL ↓")


def stat_cell(stats: dict | None) -> str:
    return mean_pm(stats["mean"], stats["std"], stats["n"]) if stats else DASH


def comparison_cells(row: dict) -> list[str]:
    """A row of series.comparison as text: the last step's numbers, then the Macro-F1 curve."""
    return [row["label"], *(stat_cell(row[k]) for k in ("final", "learned", "forgetting", "gap")), *(points(v) for v in row["curve"])]


def comparison_table(methods: Sequence[dict], upper: dict | None) -> str:
    """Methods and the bound at the last step: Macro-F1, learned, forgetting (learned − Macro-F1), gap
    to non-CL (= learning part + forgetting part), then the mean Macro-F1 curve per step."""
    rows = series.comparison(methods, upper)
    n_steps = max((len(r["curve"]) for r in rows), default=0)
    cells = [comparison_cells(r) + [DASH] * (n_steps - len(r["curve"])) for r in rows]
    return markdown_table([*COMPARISON_HEADER, *(f"Step {k + 1}" for k in range(n_steps))], cells)


def _run_names(runs: Sequence[dict]) -> str:
    names = []
    for run in runs:
        status = "" if run.get("status", "complete") == "complete" else f" ({run['status']})"
        names.append(f"`{run.get('run_dir')}` (p{run.get('permutation')}, s{run.get('seed')}){status}")
    return "<br>".join(names)


def sources_table(methods: Sequence[dict], upper: dict | None) -> str:
    """Which folder and which runs every row's numbers come from."""
    rows = [[m["label"], f"`{m['folder']}` ({m['kind']})", _run_names(m["runs"])] for m in methods]
    if upper:
        rows.append([upper["label"], "upper-bound runs named in the runs' results.json", "<br>".join(f"`{p}`" for p in upper["runs"])])
    return markdown_table(["Row", "Folder", "Runs (permutation, seed)"], rows, numeric=False)


def _setting_line(methods: Sequence[dict]) -> str:
    def values(key: str) -> str:
        return ", ".join(sorted({str(m["results"].get(key)) for m in methods})) or DASH

    return f"Dataset: {values('dataset')} · setting: {values('setting')} · model: {values('model')}"


def render_report(methods: Sequence[dict], upper: dict | None, figures: Sequence[tuple[str, str]], notes: Sequence[str] = ()) -> str:
    """The whole report.md; `figures` = (caption, file name relative to report.md) in order."""
    parts = [
        "# Continual NER report",
        _setting_line(methods),
        "## Comparison after the last step (points, mean ± std over runs)",
        comparison_table(methods, upper),
        "Forgetting: learned − Macro-F1; the gap to non-CL is its learning part (non-CL − learned) plus this. "
        "The step columns are the mean Macro-F1 curve.",
        "## Macro-F1 per step (points, mean ± std over permutations and seeds)",
        macro_f1_table(methods, upper),
        "A cell with no ± comes from a single run. Gap rows: the non-CL bound's mean minus the method's mean, "
        "over the upper-bound runs that method's runs were compared with.",
        "## Learning and forgetting after the last step (points, mean ± std over runs)",
        learning_and_forgetting_table(methods),
        "Learned: mean over all tasks of the F1 right after the step that learned each, the Macro-F1 the "
        "model would have had no task's F1 changed since; the gap to non-CL splits into non-CL − learned (learning) "
        "and learned − Macro-F1 (forgetting). Mean forgetting: best earlier F1 minus final F1; BWT: final "
        "minus just-learned F1; both averaged over the old tasks. Mean BI (SpanKL): final minus best F1, "
        "averaged over all tasks.",
        "## Sources",
        sources_table(methods, upper),
        "## Figures",
        *[f"### {caption}\n\n![{caption}]({name})" for caption, name in figures],
    ]
    if notes:
        parts += ["## Notes", "\n".join(f"- {note}" for note in notes)]
    return "\n\n".join(parts) + "\n"
