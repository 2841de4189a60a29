"""`gencner experiment`'s grid: the cells run by the configured launcher (launcher.name), then one
merge of the finished cells (merge.py). `sequential` runs the cells one after the other in this
process, bounds first; `--collect` runs nothing and merges what has finished."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence

from gencner import stopping
from gencner.config.schema import Config
from gencner.console import console
from gencner.errors import GencnerError
from gencner.grid.cells import Cell, cell_results, grid_cells
from gencner.grid.execution import run_cell
from gencner.grid.merge import merge
from gencner.grid.progress import Board
from gencner.run_identity import grid_dir
from gencner.runlock import run_folder_lock


def run_sequential(cells: Sequence[Cell], poll_s: float) -> None:
    """Every unfinished cell in this process, in the grid's order (each bound before the runs compared with
    it); finished cells are kept, as every launcher keeps them (cells.cell_results). A cell that fails
    stops the experiment there, and the same command resumes it."""
    for cell in cells:
        stopping.stop_if_requested()
        if cell_results(cell) is None:
            run_cell(cell, poll_s)


def board_of(cells: Sequence[Cell], title: str) -> Board:
    """The cells' states at the start: a cell whose results.json is complete is finished already."""
    board = Board(cells, title)
    for cell in cells:
        if cell_results(cell) is not None:
            board.done_before(cell)
    return board


def run_cells(cfgs: Sequence[Config], cells: Sequence[Cell], board: Board, wait: bool) -> bool:
    """Runs (parallel) or submits (slurm) the unfinished cells; whether they have all ended (False
    when jobs were submitted and not waited for)."""
    launcher = cfgs[0].launcher
    grid = grid_dir(cfgs)
    with run_folder_lock(grid):  # one launcher per grid at a time: two would hand out the same cells
        if launcher.name == "parallel":
            from gencner.grid.local import run_local, shares, visible_gpus

            gpus = visible_gpus() if cfgs[0].trainer.accelerator != "cpu" else []
            with board:
                run_local(cells, launcher, shares(launcher, gpus, sorted(os.sched_getaffinity(0))), grid / "logs", board)
            return True
        from gencner.grid.slurm import submit, wait_for

        with board:
            jobs = submit(cells, launcher, grid, board)
            if wait:
                wait_for(jobs, cells, board, launcher.poll_s)
        return wait or not jobs


def launch(
    cfgs: Sequence[Config], perms: Sequence[int], seeds: Sequence[int], with_upper: bool = True, collect: bool = False, wait: bool = False
) -> int:
    """Runs the grid of `cfgs` (one method each) over `perms` × `seeds`, then merges it; 0 when every
    cell has finished (or was submitted, without --wait), 1 when some failed or did not run."""
    launcher = cfgs[0].launcher
    started = time.perf_counter()
    cells = grid_cells(cfgs, perms, seeds, with_upper)
    if launcher.name == "sequential" and not collect:
        run_sequential(cells, launcher.poll_s)
        merge(cfgs, perms, seeds, cells, time.perf_counter() - started)
        return 0
    board = board_of(cells, f"{grid_dir(cfgs).name} · launcher={launcher.name}")
    ended = False
    if not collect:
        ended = run_cells(cfgs, cells, board, wait)
        stopping.stop_if_requested()  # a stopped grid is not merged: the same command resumes it
    else:
        console.print(board.table())
    # the grid's wall time when this command ran it to its end; a submission's or a collection's is not known
    merge(cfgs, perms, seeds, cells, time.perf_counter() - started if ended else None)
    return report(board, collect, ended)


def report(board: Board, collect: bool, ended: bool) -> int:
    """Names the failed cells with their logs; 0 when the grid has finished or was submitted."""
    failures = board.failures()
    for cell, state in failures:
        console.print(f"[red]failed:[/] {cell.name}: {state.note}" + (f" (log: {state.log})" if state.log else ""), highlight=False)
    unfinished = board.unfinished()
    if not unfinished:
        return 0
    if collect:
        raise GencnerError(
            f"{len(unfinished)} of {len(board.cells)} cells have not finished (merged without them); --collect again once "
            "their jobs end, or run the same command without --collect to run them"
        )
    if not ended:
        console.print(
            f"{len(unfinished)} cells submitted or running; the same command with --collect merges them once they finish", highlight=False
        )
        return 0
    not_run = len(unfinished) - len(failures)
    raise GencnerError(
        f"{len(unfinished)} of {len(board.cells)} cells did not finish ({len(failures)} failed, {not_run} not run); "
        "run the same command again to run them (finished cells are kept)"
    )
