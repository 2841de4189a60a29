"""The parallel launcher: worker processes on this machine (`python -m gencner.grid.worker`), each
pinned to its GPUs (CUDA_VISIBLE_DEVICES) or, without GPUs, to its share of the cores, taking cells
one at a time until the grid is done. A run is handed out once its bound's cell has started (so a bound
is computed once, by its own cell) and trains beside it; trained before its bound has finished, it is
given back and handed out again once the bound has (then it only writes its results). A cell that
fails, or whose worker dies, is reported with its log and the other cells go on."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gencner import stopping
from gencner.config.schema import LauncherConfig
from gencner.errors import ConfigError
from gencner.grid.cells import RUN, Cell
from gencner.grid.execution import PENDING
from gencner.grid.progress import FAILED, FINISHED, QUEUED, RUNNING, Board


@dataclass(frozen=True)
class Share:
    """What one worker runs on."""

    gpus: list[str]
    cores: list[int]

    def describe(self, index: int) -> str:
        return f"worker {index}" + (f" · GPU {','.join(self.gpus)}" if self.gpus else f" · cores {','.join(map(str, self.cores))}")


def visible_gpus() -> list[str]:
    """The GPUs this process may use: CUDA_VISIBLE_DEVICES when it is set, else every device."""
    listed = os.environ.get("CUDA_VISIBLE_DEVICES")
    if listed is not None:
        return [d.strip() for d in listed.split(",") if d.strip()]
    import torch

    return [str(i) for i in range(torch.cuda.device_count())]


def shares(launcher: LauncherConfig, gpus: Sequence[str], cores: Sequence[int]) -> list[Share]:
    """Each worker's GPUs (gpus_per_job of them, none overlapping) and cores (cpus_per_job, or the
    cores divided among the workers; they overlap only when there are more workers than cores)."""
    per_gpu = launcher.gpus_per_job if gpus else 0
    if per_gpu:
        jobs = launcher.jobs or len(gpus) // per_gpu
        if jobs < 1 or jobs * per_gpu > len(gpus):
            raise ConfigError(
                f"launcher.jobs={jobs} workers × launcher.gpus_per_job={per_gpu} need {max(jobs, 1) * per_gpu} GPUs; "
                f"this machine shows {len(gpus)} ({','.join(gpus)}); lower launcher.jobs, or launcher.gpus_per_job=0 for workers on the CPU"
            )
    else:
        jobs = launcher.jobs or max(1, len(cores) // (launcher.cpus_per_job or 1))
    per_core = launcher.cpus_per_job or max(1, len(cores) // jobs)
    return [
        Share([*gpus[i * per_gpu : (i + 1) * per_gpu]], [cores[(i * per_core + k) % len(cores)] for k in range(per_core)])
        for i in range(jobs)
    ]


class Slot:
    """A worker process and the cell it runs now. Its answers (and its end: None) arrive on `events`."""

    def __init__(self, index: int, share: Share, log: Path, events: queue.Queue):
        self.index, self.share, self.cell = index, share, None
        env = dict(os.environ, OMP_NUM_THREADS=str(len(share.cores)), MKL_NUM_THREADS=str(len(share.cores)))
        if share.gpus:
            env["CUDA_VISIBLE_DEVICES"] = ",".join(share.gpus)
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "a", encoding="utf-8") as stderr:  # what it prints outside a cell
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gencner.grid.worker", "--cores", ",".join(map(str, share.cores))],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
                env=env,
                text=True,
                start_new_session=True,  # a Ctrl-C reaches the launcher, which passes it on once
            )
        threading.Thread(target=self._read, args=(events,), daemon=True).start()

    def _read(self, events: queue.Queue) -> None:
        for line in self.process.stdout:
            events.put((self, json.loads(line)))
        events.put((self, None))

    def give(self, cell: Cell, log: Path, poll_s: float) -> bool:
        """Hands `cell` to the worker; False when the worker has gone (its end is on the way)."""
        try:
            self.process.stdin.write(json.dumps({"cell": cell.to_json(), "log": str(log), "poll_s": poll_s}) + "\n")
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            return False
        self.cell = cell
        return True

    def signal(self, number: int) -> None:
        if self.process.poll() is None:
            self.process.send_signal(number)

    def close(self) -> None:
        """No more cells: the worker ends once it has answered for the one it runs."""
        if self.process.stdin and not self.process.stdin.closed:
            try:
                self.process.stdin.close()
            except OSError:
                pass

    def stop(self) -> int:
        self.close()
        return self.process.wait()

    def exit_reason(self) -> str:
        code = self.process.wait()
        if code < 0:
            return f"worker {self.index} (pid {self.process.pid}) was killed by {signal.Signals(-code).name}"
        return f"worker {self.index} (pid {self.process.pid}) exited with code {code}"


def ready(cell: Cell, board: Board, by_name: dict[str, Cell], trained: bool = False) -> bool:
    """A run may start once its bound's cell has: it trains beside the bound, which its own cell
    computes, once (execution.BoundBeside); a run given back `trained` waits for the bound's end."""
    return cell.bound is None or board.state(by_name[cell.bound.name]) in ((FINISHED,) if trained else (RUNNING, FINISHED))


def run_local(cells: Sequence[Cell], launcher: LauncherConfig, worker_shares: Sequence[Share], logs: Path, board: Board) -> None:
    """Runs the queued cells of `board` on one worker per share, recording every change on `board`."""
    by_name = {cell.name: cell for cell in cells}
    todo = [cell for cell in cells if board.state(cell) == QUEUED]
    events: queue.Queue = queue.Queue()
    slots = [Slot(i + 1, share, logs / f"worker-{i + 1}.log", events) for i, share in enumerate(worker_shares[: len(todo)])]
    idle, busy = list(slots), []
    trained: set[str] = set()  # runs given back until their bound finishes
    stopped = False
    try:
        while busy or (todo and idle):
            for cell in [c for c in todo if c.kind == RUN and c.bound and board.state(by_name[c.bound.name]) == FAILED]:
                todo.remove(cell)
                board.failed(cell, f"not run: its bound {cell.bound.name} failed")
            for slot in list(idle):
                cell = next((c for c in todo if ready(c, board, by_name, c.name in trained)), None)
                if cell is None:
                    break
                log = logs / f"{cell.name}.log"
                idle.remove(slot)
                if slot.give(cell, log, launcher.poll_s):
                    todo.remove(cell)
                    busy.append(slot)
                    board.running(cell, slot.share.describe(slot.index), log)
            if not busy:
                break  # nothing runs, and what is left waits for a bound that cannot finish
            try:
                slot, answer = events.get(timeout=0.5)
            except queue.Empty:
                answer = slot = None
            if slot is not None:
                cell, slot.cell = slot.cell, None
                if answer is None:  # the worker is gone: its cell failed, its share runs nothing more
                    busy = [s for s in busy if s is not slot]
                    idle = [s for s in idle if s is not slot]
                    if cell is not None:
                        board.failed(cell, slot.exit_reason())
                else:
                    if answer["state"] == FINISHED:
                        board.finished(cell)
                    elif answer["state"] == PENDING:
                        board.given_back(cell, answer["why"])
                        trained.add(cell.name)
                        todo.append(cell)
                    else:
                        board.failed(cell, answer.get("error", "failed"))
                    busy.remove(slot)
                    if not stopped:
                        idle.append(slot)
            if stopping.requested() is not None and not stopped:
                stopped = True  # the workers stop at their cell's next safe point; queued cells stay queued
                todo.clear()
                for s in busy:
                    s.signal(stopping.requested())
                for s in idle:
                    s.close()
                idle = []
    finally:
        for slot in slots:
            slot.stop()
