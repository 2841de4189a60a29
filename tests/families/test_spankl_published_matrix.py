"""The metric layer is the one GenCNER uses: SpanKL's published perm0 OntoNotes matrix (its README;
docs/methods.md, "The published matrix"), fed as step results through the run summary and the matrix table
every run prints, gives the published Macro-F1 column and BI row."""

import re

from rich.console import Console

from gencner.console import matrix_table
from gencner.results.summary import summarise

TASKS = ["ORG", "PERSON", "GPE", "DATE", "CARDINAL", "NORP"]
PUBLISHED = [  # row k: F1 (points) of tasks 1..k after learning task k; then Micro, Macro
    ([87.90], 87.90, 87.90),
    ([87.18, 93.33], 90.43, 90.25),
    ([88.13, 93.41, 95.47], 92.61, 92.34),
    ([87.40, 93.26, 95.16, 85.02], 90.71, 90.21),
    ([87.13, 92.65, 95.05, 84.71, 81.37], 89.38, 88.18),
    ([87.88, 93.02, 95.08, 85.93, 83.04, 93.01], 90.30, 89.66),
]
PUBLISHED_BI = [-0.26, -0.39, -0.39, 0.0, 0.0, 0.0]


def step(k: int, row: list[float], micro: float) -> dict:
    return {
        "step": k,
        "task": TASKS[k - 1],
        "new_types": [TASKS[k - 1]],
        "seen_types": TASKS[:k],
        "tests": {"all": {"row": [f / 100 for f in row], "micro": {"f1": micro / 100}, "per_type": {}}},
    }


def rendered(table) -> list[list[str]]:
    console = Console(record=True, width=240)
    console.print(table)
    lines = console.export_text().splitlines()
    return [re.findall(r"-?\d+\.\d\d", line) for line in lines if line.strip().startswith(("│ step", "│ BI"))]


def test_the_published_perm0_matrix_gives_its_macro_f1_column_and_bi_row():
    steps = [step(k + 1, row, micro) for k, (row, micro, _) in enumerate(PUBLISHED)]
    header = {
        "method": "spankl",
        "dataset": "ontonotes",
        "setting": "split-all",
        "permutation": 0,
        "seed": 0,
        "model": "bert-large-cased",
        "tasks": TASKS,
        "task_types": [[t] for t in TASKS],
        "n_steps": 6,
    }
    run = summarise(steps, header)
    assert [round(100 * f, 2) for f in run.macro_f1] == [macro for *_, macro in PUBLISHED]
    rows = rendered(matrix_table(run))
    for k, (row, micro, macro) in enumerate(PUBLISHED):
        cells = [float(c) for c in rows[k]]
        assert cells[: k + 1] == row and cells[k + 1 : k + 3] == [micro, macro]
    bi = [float(c) for c in rows[-1]]
    # the published row was computed from unrounded F1s: from the table's two decimals ORG's is −0.25
    assert [abs(a - b) <= 0.011 for a, b in zip(bi, PUBLISHED_BI)] == [True] * 6
    assert round(bi[6], 2) == -0.17  # the BI row's mean, as published
