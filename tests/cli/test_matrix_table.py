"""The result tables printed at the end of a run: SpanKL's matrix layout with the learning accuracy
("learned") beside Macro-F1, and the mean ± std table of a multi-run experiment. The results are built
from step records by gencner.results, as a run builds them."""

from __future__ import annotations

import io
import re

from rich.console import Console

from gencner.console import experiment_table, matrix_table
from gencner.results import aggregate, experiment_result, summarise

TASKS = ["ORG", "PERSON"]


def step(k: int, new_types: list[str], row: list[float], micro_f1: float) -> dict:
    """A step's result.json record: step k learned `new_types`; its matrix row and Micro-F1 on test "all"."""
    return {
        "step": k,
        "task": "+".join(new_types),
        "new_types": new_types,
        "seen_types": TASKS[: len(row)],
        "tests": {"all": {"row": row, "micro": {"f1": micro_f1}, "per_type": {}}},
    }


def steps(rows: list[list[float]], micro: list[float]) -> list[dict]:
    """One CL step per task; a single row holding every task is one offline step learning them all."""
    if len(rows) == 1 and len(rows[0]) == len(TASKS):
        return [step(1, TASKS, rows[0], micro[0])]
    return [step(k + 1, [TASKS[k]], row, f1) for k, (row, f1) in enumerate(zip(rows, micro, strict=True))]


def header(seed: int = 1, single_step: bool = False, method: str = "gencner") -> dict:
    return {
        "run_dir": f"runs/x/p0-s{seed}",
        "method": method,
        "dataset": "synthetic",
        "setting": "offline" if single_step else "split-all",
        "permutation": 0,
        "seed": seed,
        "model": "tiny",
        "tasks": TASKS,
        "n_steps": 1 if single_step else 2,
        "single_step": single_step,
    }


def bound(macro_f1: list[float], seed: int = 1):
    """A bound run whose Macro-F1 curve is `macro_f1` (every task at the step's score)."""
    return summarise(steps([[macro_f1[0]], [macro_f1[1]] * 2], [0.9, 0.9]), header(seed, method="non-cl"))


def rendered(table) -> list[str]:
    out = Console(width=220, file=io.StringIO(), record=True)
    out.print(table)
    return out.export_text().splitlines()


def numbers(line: str) -> list[str]:
    return re.findall(r"-?\d+\.\d\d", line)


def row(lines: list[str], label: str) -> str:
    return next(line for line in lines if line.strip("│┃ ").startswith(label))


def test_learned_column_is_the_running_mean_of_the_diagonal_next_to_macro_f1():
    results = summarise(steps([[0.8], [0.6, 0.9]], [0.8, 0.7]), header(), upper=bound([0.8, 0.95]))
    lines = rendered(matrix_table(results))
    header_line = next(line for line in lines if "Macro-F1" in line)
    assert re.findall(r"Macro-F1\s*┃\s*learned\s*┃\s*upper\s*┃\s*gap", header_line)
    # ORG, PERSON, Micro-F1, Macro-F1, learned = (80 + 90) / 2, upper, gap
    assert numbers(row(lines, "step 2")) == ["60.00", "90.00", "70.00", "75.00", "85.00", "95.00", "20.00"]
    assert numbers(row(lines, "step 1")) == ["80.00", "80.00", "80.00", "80.00", "80.00", "0.00"]
    assert numbers(row(lines, "BI")) == ["-20.00", "0.00", "-10.00"]
    assert rendered(matrix_table(results.to_json())) == lines  # the results.json a run wrote reads the same


def test_an_offline_run_has_no_learned_column():
    lines = rendered(matrix_table(summarise(steps([[0.9, 0.7]], [0.82]), header(single_step=True))))
    assert not any("learned" in line for line in lines)
    assert numbers(row(lines, "offline")) == ["90.00", "70.00", "82.00", "80.00"]


def test_experiment_table_shows_learned_mean_and_std():
    # step 2: Macro-F1 0.65 / 0.75, Micro-F1 0.68 / 0.76, learned (0.8 + 0.88) / 2 and (0.8 + 0.92) / 2
    runs = [
        summarise(steps([[0.8], [0.42, 0.88]], [0.8, 0.68]), header(1), upper=bound([0.8, 0.9], 1)),
        summarise(steps([[0.8], [0.58, 0.92]], [0.8, 0.76]), header(2), upper=bound([0.8, 0.9], 2)),
    ]
    lines = rendered(experiment_table(experiment_result("x", runs)))
    assert numbers(row(lines, "2")) == ["70.00", "5.00", "72.00", "4.00", "85.00", "1.00", "90.00", "0.00", "20.00"]
    assert rendered(experiment_table(aggregate("x", runs))) == lines


def test_an_offline_experiment_table_has_no_learned_column():
    runs = [
        summarise(steps([[0.89, 0.89]], [0.89]), header(1, single_step=True)),
        summarise(steps([[0.91, 0.91]], [0.93]), header(2, single_step=True)),
    ]
    lines = rendered(experiment_table(experiment_result("x", runs)))
    assert not any("learned" in line for line in lines)
    assert numbers(row(lines, "1")) == ["90.00", "1.00", "91.00", "2.00"]
