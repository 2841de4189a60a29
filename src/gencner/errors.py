"""Errors a user can act on. The CLI prints their message (no traceback) and exits with `exit_code`."""

from __future__ import annotations


class GencnerError(Exception):
    """Base class: a problem with the user's input, not a bug in gencner. Every one exits with code 2
    (exit code 1 is left to what gencner did not foresee, which prints its traceback)."""

    exit_code = 2


class ConfigError(GencnerError):
    """A configuration key, value or group choice is wrong; the message lists the valid options."""


class DataError(GencnerError):
    """A data file is malformed. The message names the file, the line (1-based) and the problem."""

    def __init__(self, path: object, line: int | None, problem: str):
        self.path = str(path)
        self.line = line
        self.problem = problem
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {problem}")
