"""A grid's run, which trains beside its non-CL bound: its cell starts once its bound's cell has, and
needs the bound only for its gap. Its steps' cross-step metrics are logged once the bound is there, each
as it was after its step, so that the tracker's series is the one a run with the bound at hand logs;
`tracked.json` records how many steps the tracker was given, so that a run resumed (or given back to
its launcher) before its bound logs the rest, and nothing twice. A grid's run without a bound
(--no-upper) logs each step at once, through the same record."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from gencner.atomic import write_json
from gencner.distributed import launched_as_main
from gencner.errors import DataError
from gencner.jsonfile import read_run_file
from gencner.results import RunHeader, RunResult, StepResult, as_run_result, summarise
from gencner.tracking import Tracker

TRACKED = "tracked.json"


class BoundSource(Protocol):
    """A bound computed beside the run (grid.execution.BoundBeside): `now()` gives its results once they
    are complete (None before), `wait()` waits for them (or gives the run back to its launcher)."""

    def now(self) -> dict | None: ...

    def wait(self) -> dict: ...


def tracked_steps(run_dir: Path, done: int) -> int:
    """The steps of earlier attempts that the tracker was given (a folder older than the file: all done)."""
    path = run_dir / TRACKED
    if not path.is_file():
        return done
    remedy = "delete it to go on (the tracker is then taken to have every finished step)"
    steps = read_run_file(path, remedy)
    steps = steps.get("steps") if isinstance(steps, dict) else None
    if type(steps) is not int:
        raise DataError(path, None, f"holds no step count; {remedy}")
    return steps


@dataclass
class ReportBesideBound:
    """runner.StepReport for a grid's run compared with the bound `source` (None: with no bound)."""

    tracker: Tracker
    header: RunHeader
    run_dir: Path
    source: BoundSource | None
    logged: int = field(default=0)

    def after_step(self, done: Sequence[StepResult]) -> RunResult:
        known = self.source.now() if self.source is not None else None
        bound = as_run_result(known, "upper bound results") if known is not None else None
        if bound is not None or self.source is None:  # else logged once the bound is there, with its gap
            self.log(done, bound)
        self.mark()  # also when nothing was logged: a resumed run then knows this step was not
        return summarise(done, self.header, bound)

    def final(self, done: Sequence[StepResult]) -> RunResult:
        bound = as_run_result(self.source.wait(), "upper bound results") if self.source is not None else None
        self.log(done, bound)
        self.mark()
        return summarise(done, self.header, bound)

    def log(self, done: Sequence[StepResult], bound: RunResult | None) -> None:
        """Gives the tracker each step after the first `logged` as it was after its step."""
        for k in range(self.logged, len(done)):
            self.tracker.log_step(summarise(done[: k + 1], self.header, bound))
        self.logged = len(done)

    def mark(self) -> None:
        if launched_as_main():  # the other ranks of a multi-process run write nothing
            write_json(self.run_dir / TRACKED, {"steps": self.logged})


def report_beside(run_dir: Path, source: BoundSource | None):
    """The runner's `reporting` for a grid's run in `run_dir` compared with the bound `source` (or none)."""

    def reporting(tracker: Tracker, header: RunHeader, done_before: int) -> ReportBesideBound:
        return ReportBesideBound(tracker, header, Path(run_dir), source, tracked_steps(Path(run_dir), done_before))

    return reporting
