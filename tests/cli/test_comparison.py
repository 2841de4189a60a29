"""`gencner experiment --methods A B`: several methods on one stream, one non-CL bound, one comparison
table whose numbers are those of each method's results.json."""

from __future__ import annotations

import io
import json
import re

import pytest
import torch
from rich.console import Console
from tests.conftest import TINY_MODEL

from gencner import comparison
from gencner.cli import main

STREAM = [
    "dataset.tasks=[[ORG],[PERSON]]",
    "dataset.task_names=[ORG,PERSON]",
    "dataset.permutations=[[0,1]]",
    "dataset.synthetic.train=300",
    "dataset.synthetic.dev=40",
    "dataset.synthetic.test=40",
    *TINY_MODEL,
    "model.vocab_size=400",
    "model.denoise_epochs=0",
    "trainer.max_epochs=4",
    "logger=none",
]
METHODS = ("finetune", "gencner-keep-all")


def pts(value: float) -> str:
    return f"{100 * value:.2f}"


def cells(line: str) -> list[str]:
    return [c.strip() for c in re.split("[│┃]", line.strip().strip("│┃"))]


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    torch.set_num_threads(1)
    out = tmp_path_factory.mktemp("runs")
    recorder = Console(width=250, file=io.StringIO(), record=True)
    patch = pytest.MonkeyPatch()
    patch.setattr(comparison, "console", recorder)
    try:
        code = main(["experiment", "--methods", *METHODS, *STREAM, f"output_dir={out}"])
    finally:
        patch.undo()
    assert code == 0
    text = recorder.export_text()
    print(text)
    return out, text


@pytest.mark.slow
def test_the_comparison_table_holds_each_methods_results(compared):
    out, text = compared
    lines = text.splitlines()
    header = next(line for line in lines if "Learned" in line and "Forgetting" in line)
    assert cells(header)[:5] == ["Method", "Macro-F1 ↑", "Learned ↑", "Forgetting ↓", "Gap to non-CL ↓"]
    for method in METHODS:
        results = json.loads((out / f"synthetic-split-all-{method}-tiny" / "results.json").read_text())
        row = cells(next(line for line in lines if line.strip("│┃ ").startswith(method + " ")))
        learned = (results["matrix"][0][0] + results["matrix"][1][1]) / 2
        upper = results["upper_bound"]["macro_f1"]
        assert row[1] == pts(results["macro_f1"][-1])
        assert row[2] == pts(learned)
        assert row[3] == pts(learned - results["macro_f1"][-1])
        assert row[4] == pts(upper[-1] - results["macro_f1"][-1])
        assert row[5:7] == [pts(v) for v in results["macro_f1"]]
    bound = cells(next(line for line in lines if line.strip("│┃ ").startswith("Non-CL")))
    assert bound[1] == pts(upper[-1]) and bound[5:7] == [pts(v) for v in upper]


@pytest.mark.slow
def test_the_comparison_comes_first_then_each_methods_matrix_and_its_files(compared):
    out, text = compared
    at = text.index("comparison after the last step")
    assert all(text.index(f"{m} · synthetic · split-all · perm 0 · final", at) > at for m in METHODS)
    saved = json.loads((out / "_comparisons" / "synthetic-split-all-tiny" / "comparison.json").read_text())
    assert [r["label"] for r in saved["rows"]] == [*METHODS, "Non-CL (upper bound)"]
    assert (out / "_comparisons" / "synthetic-split-all-tiny" / "report" / "gap_decomposition.png").is_file()
    # one bound for both methods
    run = "runs/p0-s1/results.json"
    bounds = {json.loads((out / f"synthetic-split-all-{m}-tiny" / run).read_text())["upper_bound"]["run"] for m in METHODS}
    assert len(bounds) == 1 and len(list((out / "_upper").iterdir())) == 1


def test_methods_listed_twice_or_unknown_stop_before_anything_runs(tmp_path, capsys):
    assert main(["experiment", "--methods", "finetune", "finetune", f"output_dir={tmp_path}"]) == 2
    assert "--methods lists finetune more than once" in capsys.readouterr().err
    assert main(["experiment", "--methods", "finetune", "nope", f"output_dir={tmp_path}"]) == 2
    assert "unknown method 'nope'" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())
