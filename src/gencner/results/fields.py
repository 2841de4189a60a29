"""Reading the keys of a results JSON object: every problem is one DataError naming the file, where in
it, and what to do about it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gencner.errors import DataError

# What turns an incomplete run or experiment file into a current one: a rerun resumes from the kept step
# results (a run) or finished runs (an experiment) and writes results.json again.
RERUN = "rerun the command that wrote it (finished steps and runs are kept, results.json is written again)"


class Fields:
    """One JSON object of a results file; `where` says which part of the file it is ("tests.all")."""

    def __init__(self, data: Any, source: str, where: str = "", hint: str = RERUN):
        if not isinstance(data, Mapping):
            raise DataError(source, None, f"{self._at(where)}expected a JSON object, found {type(data).__name__}")
        self.data, self.source, self.where, self.hint = data, source, where, hint

    @staticmethod
    def _at(where: str) -> str:
        return f"{where}: " if where else ""

    def error(self, problem: str) -> DataError:
        return DataError(self.source, None, f"{self._at(self.where)}{problem}")

    def required(self, key: str) -> Any:
        if key not in self.data:
            raise self.error(f"no {key!r}" + (f"; {self.hint}" if self.hint else ""))
        return self.data[key]

    def optional(self, key: str, default: Any = None) -> Any:
        value = self.data.get(key)
        return default if value is None else value

    def child(self, key: str) -> Fields:
        """The object under `key` (required)."""
        return Fields(self.required(key), self.source, f"{self.where}.{key}" if self.where else key, self.hint)

    def list_of(self, key: str, length: int | None = None, default: list | None = None) -> list:
        """A list under `key`; `length`: it must have that many entries (one per step, say)."""
        value = self.required(key) if default is None else self.optional(key, default)
        if not isinstance(value, list):
            raise self.error(f"{key!r} is a {type(value).__name__}, expected a list")
        if length is not None and len(value) != length:
            raise self.error(f"{key!r} has {len(value)} entries, expected {length} (one per step)")
        return value

    def rest(self, known: tuple[str, ...] | frozenset[str]) -> dict:
        """The keys a type does not read, as written: kept so that writing the file back loses nothing."""
        return {k: v for k, v in self.data.items() if k not in known}


def flat_json(record) -> dict:
    """A flat dataclass as the JSON object of its fields, in declaration order: the field names are the
    keys, written down once (in the dataclass)."""
    from dataclasses import fields

    return {f.name: getattr(record, f.name) for f in fields(record)}
