"""A worker of launcher=parallel killed in the middle of a cell: that cell is reported failed with its
log, the other cells finish and keep their results, and the same command run again finishes the grid
with the results the sequential run has."""

from __future__ import annotations

import json
import os
import re
import signal
import threading
import time

import pytest
from grid_support import EXPERIMENT, cell_results, experiment_args

from gencner.cli import main

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]
ARGS = ("0 1", "1", "launcher=parallel", "launcher.jobs=2", "launcher.cpus_per_job=1")


def kill_the_writer(folder, killed: list, deadline_s: float = 120) -> None:
    """SIGKILL the process holding `folder`'s run lock (a worker inside that cell) once the cell's first
    step is saved: in the middle of the cell, which must then resume after that step."""
    lock, step = folder / ".lock", folder / "steps" / "step-01" / "result.json"
    stop = time.monotonic() + deadline_s
    while time.monotonic() < stop:
        try:
            owner = json.loads(lock.read_text()) if step.is_file() else None
        except (OSError, ValueError):  # its owner not written yet
            owner = None
        if owner is None:
            time.sleep(0.005)
            continue
        os.kill(owner["pid"], signal.SIGKILL)
        killed.append(owner["pid"])
        return


def test_a_killed_worker_fails_its_cell_only_and_a_rerun_finishes_the_grid(sequential, tmp_path, capsys):
    out = tmp_path / "runs"
    victim = out / EXPERIMENT / "runs" / "p0-s1"
    killed: list[int] = []
    killer = threading.Thread(target=kill_the_writer, args=(victim, killed), daemon=True)
    killer.start()
    assert main(experiment_args(out, *ARGS)) == 2  # a cell that did not finish: one line that says so, exit code 2
    killer.join()
    err = capsys.readouterr().err
    flat = " ".join(err.split())  # rich wraps long lines at spaces
    assert len(killed) == 1
    assert re.search(rf"failed: {EXPERIMENT}-p0-s1: worker \d \(pid {killed[0]}\) was killed by SIGKILL", flat)
    # a path longer than the console is wide is folded inside itself: compare it without any whitespace
    assert f"(log:{out / '_grid' / EXPERIMENT / 'logs' / (EXPERIMENT + '-p0-s1.log')})" in "".join(err.split())
    assert "1 of 4 cells did not finish (1 failed, 0 not run)" in flat
    # the other cells finished: both bounds and the other order's run
    others = [out / EXPERIMENT / "runs" / "p1-s1", *sorted((out / "_upper").iterdir())]
    assert all(json.loads((folder / "results.json").read_text())["status"] == "complete" for folder in others)
    assert not (victim / "results.json").exists()
    summary = json.loads((out / EXPERIMENT / "results.json").read_text())
    assert summary["status"] == "partial" and summary["missing"] == ["p0-s1"] and len(summary["runs"]) == 1

    kept = {p: p.stat().st_mtime_ns for folder in others for p in folder.rglob("*") if p.is_file()}
    assert main(experiment_args(out, *ARGS)) == 0
    assert {p: p.stat().st_mtime_ns for p in kept} == kept  # the finished cells were not run again
    log = " ".join((out / "_grid" / EXPERIMENT / "logs" / f"{EXPERIMENT}-p0-s1.log").read_text().split())
    assert "taking over the lock" in log and f"resuming {victim} after step 1" in log  # not started again
    for cell in ["p0-s1", "p1-s1", *(folder.name for folder in others[1:])]:
        assert cell_results(out, cell) == cell_results(sequential, cell), cell
    summary = json.loads((out / EXPERIMENT / "results.json").read_text())
    assert summary["status"] == "complete" and "missing" not in summary and len(summary["runs"]) == 2
