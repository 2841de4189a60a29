"""The cells' states while a launcher runs them: a live table on a terminal (rich Live), a line per
change in a log file, and the whole table at the end."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.live import Live
from rich.markup import escape
from rich.table import Table

from gencner.console import console
from gencner.grid.cells import Cell

QUEUED, RUNNING, FINISHED, FAILED = "queued", "running", "finished", "failed"
STYLES = {QUEUED: "dim", RUNNING: "cyan", FINISHED: "green", FAILED: "red"}


@dataclass
class CellState:
    state: str = QUEUED
    where: str = ""  # the worker or job running it
    started: float | None = None
    ended: float | None = None
    note: str = ""  # why it failed; "before" for a cell finished before this launch
    log: Path | None = None

    def elapsed(self, now: float) -> str:
        if self.started is None:
            return ""
        seconds = round((self.ended or now) - self.started)
        hours, rest = divmod(seconds, 3600)
        return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class Board:
    """The states of a grid's cells, in grid order. Used as a context manager while cells run: live
    inside, the final table printed on leaving."""

    def __init__(self, cells: Sequence[Cell], title: str):
        self.cells = list(cells)
        self.title = title
        self.states = {cell.name: CellState() for cell in cells}
        self.live: Live | None = None

    def state(self, cell: Cell) -> str:
        return self.states[cell.name].state

    def done_before(self, cell: Cell) -> None:
        self.states[cell.name] = CellState(FINISHED, note="before")

    def running(self, cell: Cell, where: str, log: Path | None = None) -> None:
        self.states[cell.name] = CellState(RUNNING, where, time.time(), log=log)
        self._changed(cell, f"running on {where}")

    def finished(self, cell: Cell) -> None:
        self._end(cell, FINISHED, "")

    def given_back(self, cell: Cell, why: str) -> None:
        """Queued again: its worker has done what it could before its bound finishes."""
        current = self.states[cell.name]
        current.state, current.note = QUEUED, why
        self._changed(cell, f"queued again: {why}")

    def failed(self, cell: Cell, why: str, log: Path | None = None) -> None:
        self._end(cell, FAILED, why, log)

    def _end(self, cell: Cell, state: str, note: str, log: Path | None = None) -> None:
        current = self.states[cell.name]
        current.state, current.ended, current.note = state, time.time(), note
        current.log = log or current.log
        elapsed = f" after {current.elapsed(current.ended)}" if current.started else ""
        self._changed(cell, f"{state}{elapsed}{': ' + note if note else ''}{f' (log: {current.log})' if current.log and note else ''}")

    def _changed(self, cell: Cell, what: str) -> None:
        if self.live is None:  # a log file: one line per change; on a terminal the live table shows it
            console.print(f"cell {escape(cell.name)}: {escape(what)}", highlight=False)

    def failures(self) -> list[tuple[Cell, CellState]]:
        return [(cell, self.states[cell.name]) for cell in self.cells if self.states[cell.name].state == FAILED]

    def unfinished(self) -> list[Cell]:
        return [cell for cell in self.cells if self.states[cell.name].state != FINISHED]

    def counts(self) -> str:
        counts = Counter(s.state for s in self.states.values())
        return " · ".join(f"{counts[state]} {state}" for state in (FINISHED, RUNNING, FAILED, QUEUED) if counts[state])

    def table(self) -> Table:
        now = time.time()
        table = Table(title=f"{self.title} · {self.counts()}", header_style="bold")
        for column in ("cell", "kind", "state", "elapsed", "where", "note"):
            table.add_column(column, justify="right" if column == "elapsed" else "left")
        for cell in self.cells:
            s = self.states[cell.name]
            note = f"{s.note} (log: {s.log})" if s.state == FAILED and s.log else s.note
            table.add_row(cell.name, cell.kind, f"[{STYLES[s.state]}]{s.state}[/]", s.elapsed(now), s.where, escape(note))
        return table

    def __enter__(self) -> Board:
        if console.is_terminal:
            self.live = Live(console=console, get_renderable=self.table, refresh_per_second=1, vertical_overflow="ellipsis", transient=True)
            self.live.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.live is not None:
            self.live.stop()
            self.live = None
        console.print(self.table())
