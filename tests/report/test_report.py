"""`gencner report` on two experiments (gencner and finetune, two permutations, one shared upper bound).

The folders are written through the real gencner.results.summarise and aggregate from made-up step
records with distinct F1 values, so every number in report.md can be recomputed here and a wrong mean,
std or gap shows (a trained tiny model scores ~0 everywhere, which would hide such mistakes)."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import numpy as np
import pytest

from gencner.cli import main
from gencner.report import figures, loading, series
from gencner.results import RunResult, aggregate, summarise

ORDERS = {0: ["ORG", "PERSON", "GPE"], 1: ["GPE", "ORG", "PERSON"]}


def step_record(k: int, tasks: list[str], row: list[float], pseudo: bool) -> dict:
    record = {
        "step": k,
        "task": tasks[k - 1],
        "new_types": [tasks[k - 1]],
        "seen_types": tasks[:k],
        "tests": {"all": {"row": row, "micro": {"f1": sum(row) / len(row)}, "per_type": {}}},
    }
    if pseudo and k > 1:  # the types learned before step k get a threshold and kept pseudo-labels
        record["thresholds"] = {t: 0.5 + 0.1 * j for j, t in enumerate(tasks[: k - 1])}
        record["pseudo"] = {
            "counts": {t: {"kept": 5} for t in tasks[: k - 1]},
            "quality_kept": {t: {"precision": 0.9 - 0.1 * j, "recall": 0.4 + 0.1 * j} for j, t in enumerate(tasks[: k - 1])},
        }
    return record


def write_run(folder: Path, method: str, perm: int, rng: random.Random, upper: RunResult | None = None) -> RunResult:
    tasks = ORDERS[perm]
    steps = [step_record(k, tasks, [round(rng.uniform(0.2, 0.95), 4) for _ in range(k)], method == "gencner") for k in (1, 2, 3)]
    header = {
        "run_dir": str(folder),
        "method": method,
        "dataset": "synthetic",
        "setting": "split-all",
        "permutation": perm,
        "seed": 1,
        "model": "tiny",
        "tasks": tasks,
        "n_steps": 3,
        "single_step": False,
    }
    results = summarise(steps, header, upper)
    folder.mkdir(parents=True)
    (folder / "results.json").write_text(json.dumps(results.to_json()))
    return results


@pytest.fixture(scope="module")
def experiments(tmp_path_factory) -> Path:
    """runs/{gen,ft}/ (2 permutations each) and runs/_upper/ (one upper run per permutation, shared)."""
    root = tmp_path_factory.mktemp("runs")
    rng = random.Random(7)
    uppers = {p: write_run(root / "_upper" / f"non-cl-p{p}", "non-cl", p, rng) for p in ORDERS}
    for name, method in (("gen", "gencner"), ("ft", "finetune")):
        runs = [write_run(root / name / "runs" / f"p{p}-s1", method, p, rng, uppers[p]) for p in ORDERS]
        (root / name / "results.json").write_text(json.dumps(aggregate(name, runs)))
    assert main(["report", str(root / "gen"), str(root / "ft")]) == 0
    return root


def read(path: Path) -> dict:
    return json.loads(path.read_text())


def cell(values: list[float]) -> str:
    points = 100 * np.array(values)
    return f"{points.mean():.2f} ± {points.std():.2f}"


def expected_row(label: str, curves: list[list[float]]) -> str:
    return "| " + " | ".join([label, *[cell([c[k] for c in curves]) for k in range(3)]]) + " |"


def curves_of(root: Path, name: str) -> list[list[float]]:
    return [read(root / name / "runs" / f"p{p}-s1" / "results.json")["macro_f1"] for p in ORDERS]


def upper_curves(root: Path) -> list[list[float]]:
    return [read(root / "_upper" / f"non-cl-p{p}" / "results.json")["macro_f1"] for p in ORDERS]


def test_writes_the_figures_and_the_report(experiments):
    out = experiments / "gen" / "report"  # the default: <first folder>/report
    for name in (
        "forgetting_curves",
        "matrix-gencner",
        "matrix-finetune",
        "task_curves-gencner",
        "task_curves-finetune",
        "thresholds-gencner",
        "pseudo_precision-gencner",
        "pseudo_recall-gencner",
    ):
        assert (out / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
    assert not (out / "thresholds-finetune.png").exists()
    report = (out / "report.md").read_text()
    assert "finetune: no thresholds" in report
    assert "![Forgetting curves: Macro-F1 per step against the non-CL upper bound](forgetting_curves.png)" in report
    assert "](thresholds-gencner.png)" in report


def test_macro_f1_table_holds_mean_and_std_over_permutations(experiments):
    report = (experiments / "gen" / "report" / "report.md").read_text()
    assert "| Method | Step 1 | Step 2 | Step 3 |" in report
    assert expected_row("gencner", curves_of(experiments, "gen")) in report
    assert expected_row("finetune", curves_of(experiments, "ft")) in report
    assert expected_row("**Non-CL (upper bound)**", upper_curves(experiments)) in report


def test_gap_rows_are_the_bound_minus_each_method(experiments):
    report = (experiments / "gen" / "report" / "report.md").read_text()
    upper = 100 * np.mean(upper_curves(experiments), axis=0)
    for label, name in (("gencner", "gen"), ("finetune", "ft")):
        gap = upper - 100 * np.mean(curves_of(experiments, name), axis=0)
        assert "| " + " | ".join([f"Gap: non-CL − {label}", *[f"{g:.2f}" for g in gap]]) + " |" in report


def test_learning_and_forgetting_table_and_sources(experiments):
    report = (experiments / "gen" / "report" / "report.md").read_text()
    runs = [read(experiments / "gen" / "runs" / f"p{p}-s1" / "results.json") for p in ORDERS]
    forgetting = [cell([r["forgetting"][key] for r in runs]) for key in ("mean", "bwt", "mean_backward_interference")]
    learned = [np.mean([row[j] for j, row in enumerate(r["matrix"])]) for r in runs]
    uppers = [read(experiments / "_upper" / f"non-cl-p{p}" / "results.json")["macro_f1"][-1] for p in ORDERS]
    learning_part = cell([u - la for u, la in zip(uppers, learned, strict=True)])  # non-CL − learned, per run
    assert "| " + " | ".join(["gencner", cell(learned), learning_part, *forgetting, "2"]) + " |" in report
    for p in ORDERS:
        assert f"`{experiments / 'ft' / 'runs' / f'p{p}-s1'}` (p{p}, s1)" in report
        assert f"`{experiments / '_upper' / f'non-cl-p{p}'}`" in report


def test_comparison_table_splits_the_gap_into_learning_and_forgetting_per_run(experiments):
    report = (experiments / "gen" / "report" / "report.md").read_text()
    assert "| Method | Macro-F1 ↑ | Learned ↑ | Forgetting ↓ | Gap to non-CL ↓ | Step 1 | Step 2 | Step 3 |" in report
    uppers = {p: read(experiments / "_upper" / f"non-cl-p{p}" / "results.json")["macro_f1"] for p in ORDERS}
    for label, name in (("gencner", "gen"), ("finetune", "ft")):
        runs = {p: read(experiments / name / "runs" / f"p{p}-s1" / "results.json") for p in ORDERS}
        final = [r["macro_f1"][-1] for r in runs.values()]
        learned = [np.mean([row[j] for j, row in enumerate(r["matrix"])]) for r in runs.values()]
        forgetting = [la - f for la, f in zip(learned, final, strict=True)]
        gap = [uppers[p][-1] - r["macro_f1"][-1] for p, r in runs.items()]
        curve = 100 * np.mean([r["macro_f1"] for r in runs.values()], axis=0)
        row = "| " + " | ".join([label, cell(final), cell(learned), cell(forgetting), cell(gap), *[f"{v:.2f}" for v in curve]]) + " |"
        assert row in report
    bound = list(uppers.values())
    assert (
        "| "
        + " | ".join(
            ["Non-CL (upper bound)", cell([u[-1] for u in bound]), "–", "–", "–", *[f"{v:.2f}" for v in 100 * np.mean(bound, axis=0)]]
        )
        + " |"
        in report
    )
    assert "](gap_decomposition.png)" in report
    assert (experiments / "gen" / "report" / "gap_decomposition.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_gap_decomposition_has_one_bar_per_method_and_the_bound_line(experiments):
    inputs = loading.load_report_inputs([experiments / "gen", experiments / "ft"])
    figure = figures.gap_decomposition(inputs.methods, inputs.upper)
    ax = figure.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["gencner", "finetune"]
    assert "Non-CL (upper bound)" in figures.legend_labels(figure)
    # per bar: Macro-F1, then forgetting (learned − Macro-F1), then what was not learned, up to the bound
    bound = 100 * np.mean([u[-1] for u in upper_curves(experiments)])
    for y, name in enumerate(("gen", "ft")):
        runs = [read(experiments / name / "runs" / f"p{p}-s1" / "results.json") for p in ORDERS]
        final = 100 * np.mean([r["macro_f1"][-1] for r in runs])
        learned = 100 * np.mean([np.mean([row[j] for j, row in enumerate(r["matrix"])]) for r in runs])
        expected = [final, max(learned - final, 0), max(bound - max(learned, final), 0)]
        widths = [p.get_width() for p in ax.patches if abs(p.get_y() + p.get_height() / 2 - y) < 1e-6]
        assert widths == pytest.approx(expected)


def test_forgetting_curves_has_every_method_and_the_bound(experiments):
    inputs = loading.load_report_inputs([experiments / "gen", experiments / "ft"])
    figure = figures.forgetting_curves(inputs.methods, inputs.upper)
    assert figures.legend_labels(figure) == ["gencner", "finetune", "Non-CL (upper bound)"]
    lines = {line.get_label(): line for line in figure.axes[0].get_lines()}
    assert lines["Non-CL (upper bound)"].get_linestyle() == "--"
    np.testing.assert_allclose(lines["finetune"].get_ydata(), 100 * np.mean(curves_of(experiments, "ft"), axis=0))
    assert len(figure.axes[0].collections) == 3  # a ±std band per line: two runs each


def test_per_type_series_average_over_orders(experiments):
    method = loading.load_method(experiments / "gen")
    # ORG is the first type of order 0 (τ 0.5 at steps 2, 3) and the second of order 1 (τ 0.6 at step 3)
    assert series.thresholds_by_type(method)["ORG"] == ([2, 3], [0.5, pytest.approx(0.55)])
    assert series.thresholds_by_type(loading.load_method(experiments / "ft")) == {}
    # recall of ORG's kept pseudo-labels: 0.4 as the first type (order 0), 0.5 as the second (order 1)
    assert series.pseudo_recall_by_type(method)["ORG"] == ([2, 3], [0.4, pytest.approx(0.45)])
    assert series.pseudo_precision_by_type(method)["ORG"] == ([2, 3], [0.9, pytest.approx(0.85)])
    assert figures.thresholds_figure(loading.load_method(experiments / "ft")) is None


def test_a_single_run_folder_and_a_moved_experiment(experiments, tmp_path):
    run = experiments / "gen" / "runs" / "p1-s1"
    assert main(["report", str(run), "--out", str(tmp_path / "single")]) == 0
    curve = read(run / "results.json")["macro_f1"]
    row = "| " + " | ".join(["gencner", *[f"{100 * v:.2f}" for v in curve]]) + " |"  # one run: no ±
    assert row in (tmp_path / "single" / "report.md").read_text()
    moved = tmp_path / "moved"
    shutil.copytree(experiments / "ft", moved)
    summary = read(moved / "results.json")
    for entry in summary["runs"]:  # as if copied from another machine: the recorded paths are gone
        entry["dir"] = f"/elsewhere/ft/runs/{Path(entry['dir']).name}"
    (moved / "results.json").write_text(json.dumps(summary))
    edited = read(run / "results.json")  # the run in the moved folder differs from the recorded one
    edited["tests"]["all"]["matrix"] = [[0.5], [0.5, 0.5], [0.5, 0.5, 0.5]]
    (moved / "runs" / "p1-s1" / "results.json").write_text(json.dumps(edited))
    method = loading.load_method(moved)
    assert [r.macro_f1 for r in method.runs] == [curves_of(experiments, "ft")[0], [0.5, 0.5, 0.5]]


def test_missing_results_is_a_user_error(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert "has no results.json" in capsys.readouterr().err


def test_experiment_results_hold_the_learning_accuracy_of_each_run_and_its_mean(experiments):
    runs = [read(experiments / "gen" / "runs" / f"p{p}-s1" / "results.json") for p in ORDERS]
    for run in runs:
        diagonal = [row[j] for j, row in enumerate(run["matrix"])]
        assert run["learning_accuracy"] == pytest.approx([np.mean(diagonal[: k + 1]) for k in range(3)])
    summary = read(experiments / "gen" / "results.json")
    curves = np.array([run["learning_accuracy"] for run in runs])
    assert summary["learning_accuracy"] == pytest.approx(curves.mean(axis=0).tolist())
    assert summary["learning_accuracy_std"] == pytest.approx(curves.std(axis=0).tolist())
