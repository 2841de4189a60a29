"""launcher=slurm through submitit's local executor (each job a process on this machine, no cluster):
a bound's array and a run's array submitted and waited for, then merged; the run deleted and the same
command given again submits that one cell only, returns at once, and --collect merges it once done."""

from __future__ import annotations

import json
import time

import pytest
from grid_support import EXPERIMENT, cell_results, experiment_args, without_timings

from gencner.cli import main

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]
LOCAL = ("launcher=slurm", "launcher.cluster=local", "launcher.gpus_per_job=0", "launcher.cpus_per_job=1", "launcher.poll_s=0.2")


def args(out, *extra):
    return experiment_args(out, "0", "1", *LOCAL, *extra)


def wait_until_complete(folder, deadline_s: float = 180) -> None:
    stop = time.monotonic() + deadline_s
    while time.monotonic() < stop:
        path = folder / "results.json"
        if path.is_file() and json.loads(path.read_text()).get("status") == "complete":
            return
        time.sleep(0.2)
    raise AssertionError(f"{folder} did not finish within {deadline_s} s")


def test_submitted_waited_for_merged_then_only_a_deleted_cell_is_submitted_again(sequential, tmp_path, capsys):
    out = tmp_path / "runs"
    grid = out / "_grid" / EXPERIMENT
    assert main(args(out, "--wait")) == 0
    jobs = json.loads((grid / "jobs.json").read_text())
    bound = next((out / "_upper").iterdir())
    assert sorted(jobs) == sorted([bound.name, f"{EXPERIMENT}-p0-s1"])
    run = out / EXPERIMENT / "runs" / "p0-s1"
    for cell in ("p0-s1", bound.name):  # the cells of the job processes are those of the sequential run
        assert cell_results(out, cell) == cell_results(sequential, cell), cell
    merged = json.loads((out / EXPERIMENT / "results.json").read_text())
    assert merged["status"] == "complete" and [r["dir"] for r in merged["runs"]] == [str(run)]
    capsys.readouterr()

    kept = {p: p.stat().st_mtime_ns for p in bound.rglob("*") if p.is_file()}
    for path in sorted(run.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    run.rmdir()
    started = time.monotonic()
    assert main(args(out)) == 0  # returns once submitted
    submitted = json.loads((grid / "jobs.json").read_text())
    assert submitted[bound.name] == jobs[bound.name] and submitted[f"{EXPERIMENT}-p0-s1"] != jobs[f"{EXPERIMENT}-p0-s1"]
    err = " ".join(capsys.readouterr().err.split())
    assert "1 cells submitted or running; the same command with --collect merges them" in err
    assert not (run / "results.json").is_file() or time.monotonic() - started > 5  # it did not wait for the job
    wait_until_complete(run)
    assert main(args(out, "--collect")) == 0
    assert {p: p.stat().st_mtime_ns for p in kept} == kept  # the bound was not computed again
    assert cell_results(out, "p0-s1") == cell_results(sequential, "p0-s1")
    again = json.loads((out / EXPERIMENT / "results.json").read_text())
    assert without_timings(again) == without_timings(merged)
    assert "seconds" not in again  # a collection does not know how long the jobs took


def test_wait_goes_with_the_slurm_launcher_only(tmp_path, capsys):
    assert main([*experiment_args(tmp_path, "0", "1"), "--wait"]) == 2
    assert "--wait waits for submitted jobs: it goes with launcher=slurm" in capsys.readouterr().err
    assert not tmp_path.joinpath("synthetic-split-all-finetune-tiny").exists()
