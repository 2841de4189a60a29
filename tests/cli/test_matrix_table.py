"""The result tables printed at the end of a run: SpanKL's matrix layout with the learning accuracy
("learned") beside Macro-F1, and the mean ± std table of a multi-run experiment."""

from __future__ import annotations

import io
import re

from rich.console import Console

from gencner.console import experiment_table, matrix_table

RESULTS = {
    "method": "gencner", "dataset": "synthetic", "setting": "split-all", "permutation": 0,
    "tasks": ["ORG", "PERSON"],
    "matrix": [[0.8], [0.6, 0.9]],
    "micro_f1": [0.8, 0.7],
    "macro_f1": [0.8, 0.75],
    "forgetting": {"backward_interference": [-0.2, 0.0], "mean_backward_interference": -0.1},
    "upper_bound": {"macro_f1": [0.8, 0.95]},
    "gap": [0.0, 0.2],
}


def rendered(table) -> list[str]:
    out = Console(width=220, file=io.StringIO(), record=True)
    out.print(table)
    return out.export_text().splitlines()


def numbers(line: str) -> list[str]:
    return re.findall(r"-?\d+\.\d\d", line)


def row(lines: list[str], label: str) -> str:
    return next(line for line in lines if line.strip("│┃ ").startswith(label))


def test_learned_column_is_the_running_mean_of_the_diagonal_next_to_macro_f1():
    lines = rendered(matrix_table(RESULTS))
    header = next(line for line in lines if "Macro-F1" in line)
    assert re.findall(r"Macro-F1\s*┃\s*learned\s*┃\s*upper\s*┃\s*gap", header)
    # ORG, PERSON, Micro-F1, Macro-F1, learned = (80 + 90) / 2, upper, gap
    assert numbers(row(lines, "step 2")) == ["60.00", "90.00", "70.00", "75.00", "85.00", "95.00", "20.00"]
    assert numbers(row(lines, "step 1")) == ["80.00", "80.00", "80.00", "80.00", "80.00", "0.00"]
    assert numbers(row(lines, "BI")) == ["-20.00", "0.00", "-10.00"]


def test_an_offline_run_has_no_learned_column():
    offline = {"tasks": ["ORG", "PERSON"], "single_step": True, "matrix": [[0.9, 0.7]], "micro_f1": [0.82], "macro_f1": [0.8]}
    lines = rendered(matrix_table(offline))
    assert not any("learned" in line for line in lines)
    assert numbers(row(lines, "offline")) == ["90.00", "70.00", "82.00", "80.00"]


def test_experiment_table_shows_learned_mean_and_std():
    summary = {"method": "gencner", "dataset": "synthetic", "setting": "split-all", "runs": [{}, {}],
               "macro_f1": [0.8, 0.7], "macro_f1_std": [0.0, 0.05], "micro_f1": [0.8, 0.72], "micro_f1_std": [0.0, 0.04],
               "learning_accuracy": [0.8, 0.85], "learning_accuracy_std": [0.0, 0.01],
               "upper_bound": {"macro_f1": [0.8, 0.9], "macro_f1_std": [0.0, 0.0]}, "gap": [0.0, 0.2]}
    lines = rendered(experiment_table(summary))
    assert numbers(row(lines, "2")) == ["70.00", "5.00", "72.00", "4.00", "85.00", "1.00", "90.00", "0.00", "20.00"]


def test_an_offline_experiment_table_has_no_learned_column():
    summary = {"method": "gencner", "dataset": "synthetic", "setting": "offline", "runs": [{}, {}], "single_step": True,
               "macro_f1": [0.9], "macro_f1_std": [0.01], "micro_f1": [0.91], "micro_f1_std": [0.02]}
    lines = rendered(experiment_table(summary))
    assert not any("learned" in line for line in lines)
    assert numbers(row(lines, "1")) == ["90.00", "1.00", "91.00", "2.00"]
