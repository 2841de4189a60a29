"""notebooks/forgetting_curves.ipynb runs headless against a run folder made here and shows its figures."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from gencner.results import summarise

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "forgetting_curves.ipynb"
KERNEL = "gencner-test-python"


def two_steps(rows: tuple[list[float], list[float]]) -> list[dict]:
    """Step result.json records of ORG then PERSON with these matrix rows."""
    return [
        {
            "step": k,
            "task": t,
            "new_types": [t],
            "seen_types": ["ORG", "PERSON"][:k],
            "tests": {"all": {"row": row, "micro": {"f1": sum(row) / len(row)}, "per_type": {}}},
        }
        for k, t, row in zip((1, 2), ("ORG", "PERSON"), rows, strict=True)
    ]


@pytest.fixture
def run_folder(tmp_path) -> Path:
    """One gencner run of two steps, with thresholds and kept pseudo-labels at step 2."""
    steps = two_steps(([0.8], [0.6, 0.7]))
    steps[1]["thresholds"] = {"ORG": 0.4}
    steps[1]["pseudo"] = {"quality_kept": {"ORG": {"precision": 0.75}}}
    header = {
        "run_dir": str(tmp_path / "run"),
        "method": "gencner",
        "dataset": "synthetic",
        "setting": "split-all",
        "permutation": 0,
        "seed": 1,
        "model": "tiny",
        "tasks": ["ORG", "PERSON"],
        "n_steps": 2,
    }
    upper = summarise(two_steps(([0.85], [0.8, 0.8])), {**header, "run_dir": str(tmp_path / "upper"), "method": "non-cl"})
    assert upper.macro_f1 == [0.85, 0.8]
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / "results.json").write_text(json.dumps(summarise(steps, header, upper).to_json()))
    return folder


@pytest.fixture
def kernel_name(tmp_path, monkeypatch) -> str:
    """A kernelspec for this interpreter, found first through JUPYTER_PATH: the kernel then imports the
    same gencner whatever python3 kernel the machine or user has installed (none, on a fresh clone)."""
    spec = tmp_path / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": KERNEL, "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.delenv("WANDB_RUN_PATH", raising=False)  # the W&B cell must stay off
    return KERNEL


def with_parameters(notebook, runs: list[str], out: str):
    cells = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1 and "RUNS" in cells[0].source and "OUT = None" in cells[0].source
    cells[0].source += f"\nRUNS = {runs!r}\nOUT = {out!r}\n"  # appended, as papermill's injected cell would
    return notebook


def test_committed_notebook_has_no_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code and all(c.outputs == [] and c.execution_count is None for c in code)
    assert code[0].metadata.get("tags") == ["parameters"]


def test_notebook_runs_headless_and_shows_the_figures(run_folder, kernel_name, tmp_path):
    notebook = with_parameters(nbformat.read(NOTEBOOK, as_version=4), [str(run_folder)], str(tmp_path / "out"))
    NotebookClient(notebook, timeout=120, kernel_name=kernel_name, resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if o.output_type == "display_data" and "image/png" in o.data]
    assert len(images) == 6  # forgetting curves, gap decomposition, then the matrix, task curves, thresholds and precision
    markdown = "".join(o.data.get("text/markdown", "") for o in outputs if o.output_type == "display_data")
    assert "| gencner | 80.00 | 65.00 |" in markdown and "| Gap: non-CL − gencner | 5.00 | 15.00 |" in markdown
    assert "| Method | Macro-F1 ↑ | Learned ↑ | Forgetting ↓ | Gap to non-CL ↓ |" in markdown
    for name in ("forgetting_curves.png", "gap_decomposition.png", "matrix-gencner.png", "thresholds-gencner.png", "report.md"):
        assert (tmp_path / "out" / name).is_file(), name
