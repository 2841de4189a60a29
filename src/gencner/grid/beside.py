"""A run that trains beside its non-CL bound: a grid's run cell starts once its bound's cell has, and
needs the bound only for its gap. Its steps' cross-step metrics are logged once the bound is there, each
as it was after its step, so that the tracker's series is the one a run with the bound at hand logs;
`tracked.json` records how many steps the tracker was given, so that a run resumed (or given back to
its launcher) before its bound logs the rest, and nothing twice."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gencner.atomic import write_json
from gencner.distributed import launched_as_main
from gencner.errors import DataError
from gencner.jsonfile import read_run_file
from gencner.results import RunHeader, RunResult, StepResult, as_run_result, summarise
from gencner.tracking import Tracker

TRACKED = "tracked.json"


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
    """runner.StepReport for a run whose bound comes from `now` (None until it is complete) and `wait`
    (blocks until it is, or gives the run back: grid.execution.BoundPending)."""

    tracker: Tracker
    header: RunHeader
    run_dir: Path
    now: Callable[[], dict | None]
    wait: Callable[[], dict]
    logged: int = field(default=0)

    def after_step(self, done: Sequence[StepResult]) -> RunResult:
        known = self.now()
        bound = as_run_result(known, "upper bound results") if known is not None else None
        if bound is not None:  # else logged once the bound is there, with its gap
            self.log(done, bound)
        self.mark()  # also when nothing was logged: a resumed run then knows this step was not
        return summarise(done, self.header, bound)

    def final(self, done: Sequence[StepResult]) -> RunResult:
        bound = as_run_result(self.wait(), "upper bound results")
        self.log(done, bound)
        self.mark()
        return summarise(done, self.header, bound)

    def log(self, done: Sequence[StepResult], bound: RunResult) -> None:
        """Gives the tracker each step after the first `logged` as it was after its step."""
        for k in range(self.logged, len(done)):
            self.tracker.log_step(summarise(done[: k + 1], self.header, bound))
        self.logged = len(done)

    def mark(self) -> None:
        if launched_as_main():  # the other ranks of a multi-process run write nothing
            write_json(self.run_dir / TRACKED, {"steps": self.logged})


def report_beside(run_dir: Path, now: Callable[[], dict | None], wait: Callable[[], dict]):
    """The runner's `reporting` for a run in `run_dir` whose bound comes from `now` and `wait`."""

    def reporting(tracker: Tracker, header: RunHeader, done_before: int) -> ReportBesideBound:
        return ReportBesideBound(tracker, header, Path(run_dir), now, wait, tracked_steps(Path(run_dir), done_before))

    return reporting
