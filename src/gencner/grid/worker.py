"""`python -m gencner.grid.worker [--cores 0,1]`: a worker process of the parallel launcher (local.py).

It reads one task a line on stdin (JSON: a cell, its log file, the launcher's poll interval), runs the
cell with everything it prints going to that log, and answers one line on stdout (JSON: the cell's
name, finished, failed or pending (trained, its bound not finished: to be given again once it has),
and why). It ends at the end of stdin with 0, or after a stop signal
(honoured at the cell's next safe point) with 128 + the signal's number, as `gencner` does. Its
GPUs come from the CUDA_VISIBLE_DEVICES the launcher sets; `--cores` pins it to those cores and sets
torch's thread count to their number."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from gencner import stopping
from gencner.console import console
from gencner.errors import GencnerError
from gencner.grid.cells import Cell
from gencner.grid.execution import PENDING, BoundPending, run_cell


@contextmanager
def output_to(log: Path) -> Iterator[None]:
    """Everything written to stdout and stderr (by gencner, Lightning, warnings) goes to `log` while
    inside, appended: a cell run again keeps the log of its earlier attempts above."""
    log.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with open(log, "a", encoding="utf-8") as handle:
        os.dup2(handle.fileno(), 1)
        os.dup2(handle.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def attempt(cell: Cell, poll_s: float) -> dict:
    """Runs `cell`; what became of it, as the answer line says it."""
    console.print(f"[bold]cell {cell.name}[/] · worker pid {os.getpid()} · {time.strftime('%Y-%m-%d %H:%M:%S')}")
    try:
        run_cell(cell, poll_s, give_back=True)
    except BoundPending as pending:
        console.print(f"{pending}: given back to the launcher", highlight=False)
        return {"state": PENDING, "why": str(pending)}
    except stopping.StopRequested as stop:
        return {"state": "failed", "error": f"stopped by {stop}"}
    except GencnerError as exc:
        console.print(f"[red]error:[/] {exc}", highlight=False)
        return {"state": "failed", "error": str(exc)}
    except SystemExit:  # Lightning turns an interrupt inside fit into exit(1)
        if stopping.requested() is None:
            raise
        return {"state": "failed", "error": f"stopped by signal {stopping.requested()}"}
    except Exception as exc:  # a bug in one cell: the others go on; its log has the traceback
        traceback.print_exc()
        return {"state": "failed", "error": f"{type(exc).__name__}: {exc}"}
    return {"state": "finished"}


def pin(cores: list[int]) -> None:
    os.sched_setaffinity(0, cores)
    import torch

    torch.set_num_threads(len(cores))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gencner.grid.worker")
    parser.add_argument("--cores", default=None, help="comma-separated core indices to run on")
    args = parser.parse_args(argv)
    if args.cores:
        pin([int(c) for c in args.cores.split(",")])
    answers = os.fdopen(os.dup(1), "w", buffering=1)  # the answers' own channel: stdout itself goes to the logs
    os.dup2(2, 1)
    previous = stopping.install()
    try:
        for line in sys.stdin:
            task = json.loads(line)
            cell = Cell.from_json(task["cell"])
            with output_to(Path(task["log"])):
                outcome = attempt(cell, task["poll_s"])
            answers.write(json.dumps({"name": cell.name, **outcome}) + "\n")
            if stopping.requested() is not None:
                break
        return 0 if stopping.requested() is None else 128 + stopping.requested()
    finally:
        stopping.restore(previous)


if __name__ == "__main__":
    sys.exit(main())
