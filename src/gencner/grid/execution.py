"""One cell, run in this process by the functions the sequential experiment runs its cells with
(experiment.upper_bound, experiment.run_one), so that its folder is the one a sequential run writes.
A worker process of the parallel launcher and a SLURM job both call `run_cell`."""

from __future__ import annotations

import time

from gencner import stopping
from gencner.config.schema import Config
from gencner.console import console
from gencner.experiment import run_one, upper_bound, upper_bound_config, wants_upper_bound
from gencner.grid.cells import BOUND, RUN, Cell
from gencner.naming import upper_bound_dir
from gencner.runlock import FolderBusy, describe, lock_owner


def finished_bound(run: Config, poll_s: float) -> dict:
    """The complete non-CL bound of the run `run`: computed here, unless another process is computing it
    (a cell running beside this one): then waited for, so that a bound several cells need is computed
    once. Another cell taking the bound's folder between the look and the run is waited for too."""
    folder = upper_bound_dir(upper_bound_config(run))
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


def run_cell(cell: Cell, poll_s: float) -> None:
    """Runs `cell` to its end (a finished step is not trained again: the run folder resumes)."""
    if cell.kind == BOUND or (cell.with_upper and wants_upper_bound(cell.config)):
        finished_bound(cell.config, poll_s)
    if cell.kind == RUN:
        run_one(cell.config, cell.with_upper)  # reads the bound finished above


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
