"""report.md: markdown tables in the layout of published CNER tables (rows = methods, then the non-CL
bound; columns = steps; Macro-F1 in points as mean ± std over permutations and seeds), the gap to the
bound, forgetting, where every number comes from, and the figures."""

from __future__ import annotations

from collections.abc import Sequence

from gencner.report import series
from gencner.report.loading import Method, UpperBound
from gencner.results import RunResult, stats
from gencner.results.formatting import COMPARISON_HEADER, DASH, comparison_cells, curve_cells, mean_pm, points_cells


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: bool = True) -> str:
    """The first column left-aligned, the others right-aligned when they hold numbers."""
    align = "---:" if numeric else "---"
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" if i == 0 else align for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def macro_f1_table(methods: Sequence[Method], upper: UpperBound | None) -> str:
    """Methods, the non-CL bound, then one gap row per method (non-CL − method at each step)."""
    curves = [(m.label, stats.macro_f1_stats(m.runs)) for m in methods]
    bound = upper.stats if upper else None
    n_steps = max([len(c.mean) for _, c in curves] + [len(bound.mean) if bound else 0])
    rows = [[label, *curve_cells(c, n_steps)] for label, c in curves]
    if bound:
        cells = curve_cells(bound, n_steps)
        if upper.last_step_only:  # its one point belongs under the methods' last step
            cells = [DASH] * (n_steps - 1) + [mean_pm(bound.final())]
        rows.append([f"**{upper.label}**", *cells])
    for method in methods:
        gap = stats.method_gap(method.runs)
        if gap:
            rows.append([f"Gap: non-CL − {method.label}", *points_cells(gap, n_steps)])
    return markdown_table(["Method", *[f"Step {k + 1}" for k in range(n_steps)]], rows)


def learning_and_forgetting_table(methods: Sequence[Method]) -> str:
    """At the last step: the learning accuracy (mean F1 of each task right after it was learned, the
    Macro-F1 without forgetting), the learning part (non-CL − learned), mean forgetting (Chaudhry et al.),
    BWT and SpanKL's mean BI."""
    rows = []
    for method in methods:
        runs = method.runs
        scores = [stats.final_learned_stats(runs), stats.final_learning_part_stats(runs), *stats.forgetting_stats(runs).values()]
        rows.append([method.label, *(mean_pm(s) for s in scores), str(len(runs))])
    header = ["Method", "Learned ↑", "Learning part ↓", "Mean forgetting ↓", "BWT ↑", "Mean BI ↑", "Runs"]
    return markdown_table(header, rows)


def comparison_table(methods: Sequence[Method], uppers: Sequence[UpperBound]) -> str:
    """Methods and the bound at the last step: Macro-F1, learned, forgetting (learned − Macro-F1), gap
    to non-CL (= learning part + forgetting part), then the mean Macro-F1 curve per step."""
    rows = series.comparison(methods, uppers)
    n_steps = max((len(r.curve) for r in rows), default=0)
    cells = [comparison_cells(r, n_steps) for r in rows]
    return markdown_table([*COMPARISON_HEADER, *(f"Step {k + 1}" for k in range(n_steps))], cells)


def _run_names(runs: Sequence[RunResult]) -> str:
    names = []
    for run in runs:
        status = "" if run.status == "complete" else f" ({run.status})"
        names.append(f"`{run.run_dir}` (p{run.permutation}, s{run.seed}){status}")
    return "<br>".join(names)


def sources_table(methods: Sequence[Method], upper: UpperBound | None) -> str:
    """Which folder and which runs every row's numbers come from."""
    rows = [[m.label, f"`{m.folder}` ({m.kind})", _run_names(m.runs)] for m in methods]
    if upper:
        rows.append([upper.label, "upper-bound runs named in the runs' results.json", "<br>".join(f"`{p}`" for p in upper.runs)])
    return markdown_table(["Row", "Folder", "Runs (permutation, seed)"], rows, numeric=False)


def _setting_line(methods: Sequence[Method]) -> str:
    def values(key: str) -> str:
        return ", ".join(sorted({str(getattr(m.results, key)) for m in methods})) or DASH

    return f"Dataset: {values('dataset')} · setting: {values('setting')} · model: {values('model')}"


def render_report(
    methods: Sequence[Method], uppers: Sequence[UpperBound], figures: Sequence[tuple[str, str]], notes: Sequence[str] = ()
) -> str:
    """The whole report.md; `figures` = (caption, file name relative to report.md) in order; `uppers` every
    family's bound (the comparison lists each, the per-step tables use the first)."""
    upper = uppers[0] if uppers else None
    parts = [
        "# Continual NER report",
        _setting_line(methods),
        "## Comparison after the last step (points, mean ± std over runs)",
        comparison_table(methods, uppers),
        "Forgetting: learned − Macro-F1; the gap to non-CL is its learning part (non-CL − learned) plus this. "
        "The step columns are the mean Macro-F1 curve.",
        "## Macro-F1 per step (points, mean ± std over permutations and seeds)",
        macro_f1_table(methods, upper),
        "A cell with no ± comes from a single run. Gap rows: the non-CL bound's mean minus the method's mean, "
        "over the upper-bound runs that method's runs were compared with.",
        "## Learning and forgetting after the last step (points, mean ± std over runs)",
        learning_and_forgetting_table(methods),
        "Learned: mean over all tasks of the F1 right after the step that learned each, the Macro-F1 the "
        "model would have had no task's F1 changed since; the gap to non-CL splits into non-CL − learned (the "
        "learning part) and learned − Macro-F1 (forgetting). Mean forgetting: best earlier F1 minus final F1; BWT: final "
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
