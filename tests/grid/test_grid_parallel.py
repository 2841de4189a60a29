"""launcher=parallel: the grid's cells in two worker processes give what the sequential run gives, in
the same folders, merged into the same experiment summary."""

from __future__ import annotations

import json

import pytest
from grid_support import EXPERIMENT, experiment_args, results_of

from gencner.cli import main

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def parallel(tmp_path_factory):
    out = tmp_path_factory.mktemp("parallel") / "runs"
    code = main(experiment_args(out, "0 1", "1 2", "launcher=parallel", "launcher.jobs=2", "launcher.cpus_per_job=1"))
    return out, code


def test_two_workers_compute_the_sequential_runs_results(sequential, parallel):
    out, code = parallel
    assert code == 0
    expected, got = results_of(sequential), results_of(out)
    assert sorted(got) == sorted(expected)  # the same folders: 4 runs, 4 bounds, the summary, the models
    assert len([p for p in got if p.startswith("_upper/") and p.endswith("/results.json")]) == 4
    for path in expected:
        assert got[path] == expected[path], path
    summary = got[f"{EXPERIMENT}/results.json"]
    assert summary["status"] == "complete" and len(summary["runs"]) == 4 and "missing" not in summary
    assert any(value > 0 for row in summary["matrix"] for value in row)  # the cells learned something


def test_every_cell_has_its_log_and_the_summary_records_no_launcher(parallel):
    out, _ = parallel
    logs = out / "_grid" / EXPERIMENT / "logs"
    cells = sorted(p.stem for p in logs.glob("*.log") if not p.stem.startswith("worker-"))
    assert len(cells) == 8 and all(f"cell {name}" in (logs / f"{name}.log").read_text() for name in cells)
    summary = json.loads((out / EXPERIMENT / "results.json").read_text())
    assert "launcher" not in summary["config"] and "launcher" not in summary["config"]["choices"]
    run_config = json.loads((out / EXPERIMENT / "runs" / "p1-s2" / "config.json").read_text())
    assert run_config["launcher"]["name"] == "parallel"  # each run still says how it was launched
    assert not (out / "_grid" / EXPERIMENT / ".lock").exists()


def test_a_rerun_of_a_finished_grid_runs_no_cell(parallel, capsys):
    out, _ = parallel
    before = {p: p.stat().st_mtime_ns for p in out.rglob("results.json") if EXPERIMENT + "/results.json" not in str(p)}
    assert main(experiment_args(out, "0 1", "1 2", "launcher=parallel", "launcher.jobs=2", "launcher.cpus_per_job=1")) == 0
    assert {p: p.stat().st_mtime_ns for p in before} == before
    assert "running on" not in capsys.readouterr().err
