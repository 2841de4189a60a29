"""One cell, run in this process by the functions the sequential experiment runs its cells with
(experiment.upper_bound, experiment.run_one), so that its folder is the one a sequential run writes. A
run does not wait for its bound to train: only its results.json needs it (BoundBeside).
A worker process of the parallel launcher and a SLURM job both call `run_cell`."""

from __future__ import annotations

import time
from dataclasses import dataclass

from gencner import stopping
from gencner.config.schema import Config
from gencner.console import console
from gencner.errors import GencnerError
from gencner.experiment import bound_dir, complete_results, run_one, upper_bound, wants_upper_bound
from gencner.grid.cells import BOUND, Cell
from gencner.runlock import FolderBusy, describe, lock_owner


def finished_bound(run: Config, poll_s: float) -> dict:
    """The complete non-CL bound of the run `run`: computed here, unless another process is computing it
    (a cell running beside this one): then waited for, so that a bound several cells need is computed
    once. Another cell taking the bound's folder between the look and the run is waited for too."""
    folder = bound_dir(run)
    told = False
    while True:
        owner = lock_owner(folder)
        if owner is None:
            try:
                return upper_bound(run)
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
    """The bound of the run `run`, computed by its own cell beside the run (runner.BoundSource): the
    run trains meanwhile and needs it only to write its gap. `give_back`: a worker of the parallel
    launcher, which has other cells to run, raises BoundPending instead of waiting for another
    process's bound."""

    run: Config
    poll_s: float
    give_back: bool = False

    def now(self) -> dict | None:
        return complete_results(bound_dir(self.run))

    def wait(self) -> dict:
        folder = bound_dir(self.run)
        if self.give_back and self.now() is None and lock_owner(folder) is not None:
            raise BoundPending(f"trained; waits for its bound {folder.name}")
        return finished_bound(self.run, self.poll_s)


def run_cell(cell: Cell, poll_s: float, give_back: bool = False) -> None:
    """Runs `cell` to its end (a finished step is not trained again: the run folder resumes);
    `give_back`: see BoundBeside."""
    if cell.kind == BOUND:
        finished_bound(cell.config, poll_s)
        return
    upper = BoundBeside(cell.config, poll_s, give_back) if cell.with_upper and wants_upper_bound(cell.config) else None
    run_one(cell.config, upper)


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
