"""One cell, run in this process, as every launcher runs it (the sequential launcher in its own process,
a worker process of the parallel launcher, a SLURM job): a bound cell computes its bound (once, whoever
asks first), a run cell trains beside its bound and needs it only for its results.json (grid.beside)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from gencner import stopping
from gencner.config.schema import Config
from gencner.console import console
from gencner.distributed import launched_as_main
from gencner.errors import GencnerError
from gencner.experiment import bound_results, complete_results, upper_bound_config
from gencner.grid.beside import report_beside
from gencner.grid.cells import BOUND, Cell
from gencner.runlock import FolderBusy, describe, lock_owner
from gencner.runner import Runner


def finished_bound(bound: Config, folder: Path, poll_s: float) -> dict:
    """The complete non-CL bound `bound` in `folder`: computed here, unless another process is computing
    it (a cell running beside this one): then waited for, so that a bound several cells need is computed
    once. Another cell taking the bound's folder between the look and the run is waited for too. The
    other ranks of a multi-process run (ddp reruns the command) train it with rank 0, which holds the lock."""
    if not launched_as_main():
        return bound_results(bound, folder)
    told = False
    while True:
        owner = lock_owner(folder)
        if owner is None:
            try:
                return bound_results(bound, folder)
            except FolderBusy:
                pass
        elif not told:
            console.print(f"waiting for the non-CL bound {folder}, being written by {describe(owner)}", highlight=False)
            told = True
        stopping.stop_if_requested()
        time.sleep(poll_s)


PENDING = "pending"  # a worker's answer for a run given back (BoundPending)


class BoundPending(GencnerError):
    """A run has trained every step and its bound, which another cell computes, has not finished: the
    worker gives the cell back rather than wait idle, and takes it again once the bound has (the run
    then resumes with every step done and only writes its results)."""


@dataclass(frozen=True)
class BoundBeside:
    """The bound in `folder` of the run `run`, computed by its own cell beside the run: the run trains
    meanwhile and needs it only to write its gap. `give_back`: a worker of the parallel launcher, which
    has other cells to run, raises BoundPending instead of waiting for another process's bound."""

    run: Config
    folder: Path
    poll_s: float
    give_back: bool = False

    def now(self) -> dict | None:
        return complete_results(self.folder)

    def wait(self) -> dict:
        if self.give_back and self.now() is None and lock_owner(self.folder) is not None:
            raise BoundPending(f"trained; waits for its bound {self.folder.name}")
        return finished_bound(upper_bound_config(self.run), self.folder, self.poll_s)


def run_cell(cell: Cell, poll_s: float, give_back: bool = False) -> None:
    """Runs `cell` to its end (a finished step is not trained again: the run folder resumes);
    `give_back`: see BoundBeside."""
    if cell.kind == BOUND:
        finished_bound(cell.config, cell.folder, poll_s)
        return
    console.print(f"[bold]{cell.config.method.name}[/] → {cell.folder}")
    beside = BoundBeside(cell.config, cell.bound, poll_s, give_back) if cell.bound is not None else None
    Runner(cell.config, cell.folder).run(report_beside(cell.folder, beside))


def run_job(cell: dict, poll_s: float, threads: int | None) -> str:
    """A SLURM job's work (submitit pickles this call): one cell, with `threads` torch threads (the
    job's cores) when given. A failure raises, so that submitit records the job as failed, with the
    traceback in the job's log; a stop signal is honoured at the next safe point."""
    previous = stopping.install()
    try:
        if threads:
            import torch

            torch.set_num_threads(threads)
        run_cell(Cell.from_json(cell), poll_s)
    except stopping.StopRequested as stop:
        raise RuntimeError(f"{cell['name']}: stopped by {stop}; run the same command again to resume it") from None
    finally:
        stopping.restore(previous)
    return cell["name"]
