"""A run that trains beside its bound (a parallel grid's run cell starts once its bound's cell has): it
logs each step's cross-step metrics once the bound is there, and its tracker series and results.json
are those of a run that had the bound before its first step."""

from __future__ import annotations

import json
import re

import pytest
import torch
from grid_support import STREAM, without_timings

from gencner.config import load_config
from gencner.errors import DataError
from gencner.experiment import bound_results, run_config, upper_bound_config
from gencner.grid.beside import report_beside
from gencner.grid.execution import BoundPending
from gencner.run_identity import upper_bound_dir
from gencner.runner import Runner
from gencner.tracking import Tracker, step_metrics

pytestmark = pytest.mark.timeout(300)


class LateBound:
    """A bound that is not there for the first `absent` looks."""

    def __init__(self, results: dict, absent: int, events: list):
        self.results, self.absent, self.events = results, absent, events

    def now(self) -> dict | None:
        self.absent -= 1
        return self.results if self.absent < 0 else None

    def wait(self) -> dict:
        self.events.append("wait")
        return self.results


class Recorder(Tracker):
    def __init__(self, events: list):
        self.events, self.steps = events, []

    def log_step(self, results) -> None:
        self.events.append("log")
        self.steps.append(step_metrics(results))


def run(cfg, folder, upper, monkeypatch) -> tuple[dict, Recorder, list]:
    """`upper`: the bound's results, or (results, looks it is absent for)."""
    events: list = []
    recorder = Recorder(events)
    monkeypatch.setattr("gencner.runner.make_tracker", lambda *args: recorder)
    source = LateBound(*upper, events) if isinstance(upper, tuple) else LateBound(upper, 0, events)
    return Runner(cfg, folder).run(report_beside(folder, source)), recorder, events


@pytest.fixture(scope="module")
def grid_run(tmp_path_factory):
    """A run's configuration and its bound's results (one torch thread, as the grid tests)."""
    out = tmp_path_factory.mktemp("beside")
    cfg = run_config(load_config([*STREAM, f"output_dir={out}", "method=finetune"]), 0, 1)
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    bound = upper_bound_config(cfg)
    yield cfg, bound_results(bound, upper_bound_dir(bound))
    torch.set_num_threads(previous)


def comparable(results: dict) -> dict:
    return {k: v for k, v in without_timings(results).items() if k != "run_dir"}


@pytest.mark.parametrize("absent, order", [(1, ["log", "log", "wait"]), (2, ["wait", "log", "log"])])
def test_a_run_whose_bound_arrives_late_logs_and_writes_what_a_run_with_the_bound_first_does(
    grid_run, tmp_path, monkeypatch, absent, order
):
    cfg, bound = grid_run
    first, first_tracker, _ = run(cfg, tmp_path / "first", bound, monkeypatch)
    late, late_tracker, events = run(cfg, tmp_path / "late", (bound, absent), monkeypatch)
    assert events == order  # nothing is logged without the bound; every step is logged once it is there
    assert late_tracker.steps == first_tracker.steps and len(first_tracker.steps) == 2
    assert all("cl/gap" in step for step in late_tracker.steps)
    assert comparable(late) == comparable(first) and late["gap"] == first["gap"] is not None


class GivenBack(LateBound):
    """A bound another cell has not finished when the run has trained: the first wait gives the cell back."""

    def wait(self) -> dict:
        if self.events.count("given back") == 0:
            self.events.append("given back")
            raise BoundPending("trained; waits for its bound")
        return super().wait()


def test_a_run_given_back_before_its_bound_logs_every_step_once_when_taken_again(grid_run, tmp_path, monkeypatch):
    cfg, bound = grid_run
    first, first_tracker, _ = run(cfg, tmp_path / "first", bound, monkeypatch)
    events: list = []
    recorder = Recorder(events)
    monkeypatch.setattr("gencner.runner.make_tracker", lambda *args: recorder)
    source = GivenBack(bound, 99, events)
    with pytest.raises(BoundPending):
        Runner(cfg, tmp_path / "late").run(report_beside(tmp_path / "late", source))
    assert events == ["given back"] and not (tmp_path / "late" / "results.json").exists()
    # every step done: it only logs and writes
    late = Runner(cfg, tmp_path / "late").run(report_beside(tmp_path / "late", source))
    assert events == ["given back", "wait", "log", "log"] and recorder.steps == first_tracker.steps
    assert comparable(late) == comparable(first)
    Runner(cfg, tmp_path / "late").run(report_beside(tmp_path / "late", source))  # once more: nothing logged twice
    assert events.count("log") == 2


def test_a_damaged_tracked_json_says_what_to_delete_and_deleting_it_resumes(grid_run, tmp_path, monkeypatch):
    cfg, bound = grid_run
    first, _, _ = run(cfg, tmp_path / "run", bound, monkeypatch)
    tracked = tmp_path / "run" / "tracked.json"
    assert json.loads(tracked.read_text(encoding="utf-8")) == {"steps": 2}
    tracked.write_text('{"steps": ', encoding="utf-8")  # cut short
    (tmp_path / "run" / "results.json").unlink()
    with pytest.raises(DataError, match=f"{re.escape(str(tracked))}.*not valid JSON.*delete it to go on"):
        run(cfg, tmp_path / "run", bound, monkeypatch)
    tracked.unlink()  # as the line says: the tracker is taken to have every finished step
    again, recorder, _ = run(cfg, tmp_path / "run", bound, monkeypatch)
    assert recorder.steps == [] and comparable(again) == comparable(first)


def test_a_grid_run_without_a_bound_logs_each_step_at_once_and_keeps_tracked_json_in_step(grid_run, tmp_path, monkeypatch):
    cfg, _ = grid_run
    events: list = []
    recorder = Recorder(events)
    monkeypatch.setattr("gencner.runner.make_tracker", lambda *args: recorder)
    results = Runner(cfg, tmp_path / "run").run(report_beside(tmp_path / "run", None))
    assert events == ["log", "log"] and all("cl/gap" not in step for step in recorder.steps)
    assert json.loads((tmp_path / "run" / "tracked.json").read_text(encoding="utf-8")) == {"steps": 2}
    assert "upper_bound" not in results
