"""Reading back the JSON files gencner writes. They are written atomically, but a copy cut short, a
full disk on another tool's side or a hand edit can still damage one: the error then names the file and
the line instead of surfacing as a JSONDecodeError traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from gencner.errors import DataError


def read_json(path: str | os.PathLike) -> Any:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(path, None, f"not UTF-8 text ({exc.reason} at byte {exc.start}); the file is damaged") from None
    except OSError as exc:
        raise DataError(path, None, f"cannot be read ({exc.strerror or exc})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        problem = "empty" if not text.strip() else f"not valid JSON ({exc.msg} at column {exc.colno})"
        raise DataError(path, exc.lineno if text.strip() else None, f"{problem}; the file is damaged or was cut short") from None


def read_run_file(path: str | os.PathLike, remedy: str) -> Any:
    """read_json for a file of a run folder: a damaged one's error says what to do about it (`remedy`)."""
    try:
        return read_json(path)
    except DataError as exc:
        raise DataError(exc.path, exc.line, f"{exc.problem}; {remedy}") from None
