"""What every reader shares: numbered lines, span de-duplication, and the sentence list it returns.

The repair and drop reasons below are the exact strings that appear in a ``ReadReport``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from gencner.data.schema import ReadReport, Sentence, Span
from gencner.errors import DataError, GencnerError

REPAIR_DUPLICATE = "duplicate entity (same start, end and type) removed"
DROP_EMPTY = "empty sentence (no words) dropped"
DROP_BIBLE = "sentence of a pt/ document dropped (the Bible portion carries no named entities)"
STRAY_CARRIAGE_RETURN = (
    "a carriage return (\\r) inside the line; lines must end with \\n or \\r\\n "
    "(a file with CR-only line endings has to be converted first)"
)


def numbered_lines(path: Path) -> Iterator[tuple[int, str]]:
    """The lines of a UTF-8 text file as (1-based number, text without the line ending).

    Decoding line by line lets a bad byte be reported with its line number. A carriage return that
    does not end a line is refused: lines end at "\n", so a file with CR-only line endings (or a stray
    "\r") would silently read as one long line."""
    try:
        handle = open(path, "rb")
    except OSError as err:
        raise DataError(path, None, f"cannot open the file ({err.strerror or err})") from None
    with handle:
        for number, text in decoded_lines(handle, path):
            if "\r" in text:
                raise DataError(path, number, STRAY_CARRIAGE_RETURN)
            yield number, text


def decoded_lines(raw_lines: Iterable[bytes], path: object) -> Iterator[tuple[int, str]]:
    """(1-based number, text without the line ending) of lines read as bytes (a file, stdin's buffer);
    a byte-order mark at the very start is dropped, a byte that is not UTF-8 is a DataError naming
    `path` and the line."""
    for number, raw in enumerate(raw_lines, start=1):
        try:
            text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as err:
            raise DataError(path, number, f"not valid UTF-8 ({err.reason} at byte {err.start})") from None
        yield number, text.rstrip("\r\n")


def parse_json_object(path: object, number: int, line: str) -> dict:
    """One jsonl line as a JSON object; anything else is a DataError naming `path` and the line."""
    try:
        record = json.loads(line, object_pairs_hook=_unique_keys)
    except _DuplicateKey as err:
        raise DataError(path, number, f"the key {err.key!r} appears twice in one JSON object (one of its values would be lost)") from None
    except json.JSONDecodeError as err:
        raise DataError(path, number, f"invalid JSON: {err.msg} (column {err.colno})") from None
    except (ValueError, RecursionError) as err:  # an integer of thousands of digits, nesting too deep
        raise DataError(path, number, f"invalid JSON: {str(err).splitlines()[0]}") from None
    if not isinstance(record, dict):
        raise DataError(path, number, f"expected a JSON object, found {type(record).__name__}")
    return record


class _DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict:
    """json.loads keeps the last value of a repeated key; a repeated type in `ent_dct` would lose entities."""
    record: dict = {}
    for key, value in pairs:
        if key in record:
            raise _DuplicateKey(key)
        record[key] = value
    return record


def check_words_writable(sentence: Sentence, separators: str) -> None:
    """Writers refuse words the format could not give back unchanged: empty words and words holding
    one of the format's ``separators`` (jsonl splits ``text`` on spaces, column files on spaces/tabs)."""
    for word in sentence.tokens:
        if word == "" or any(c in separators for c in word):
            raise GencnerError(
                f"sentence {sentence.idx} ({sentence.origin or 'no origin'}): the word {word!r} is empty or "
                "holds a separator, so the file could not be read back with the same word indices"
            )


class SentenceCollector:
    """Collects a reader's sentences: de-duplicates spans, drops empty sentences (counted), numbers
    the kept ones by their position, and records the split in the report."""

    def __init__(self, report: ReadReport):
        self.report = report
        self.sentences: list[Sentence] = []

    def add(self, tokens: Sequence[str], spans: Iterable[Span], origin: str, task_id: int | None = None) -> None:
        if not tokens:
            self.report.drop(DROP_EMPTY, origin)
            return
        unique = self._dedupe(spans, origin)
        sentence = Sentence(tuple(tokens), unique, len(self.sentences), origin, task_id)
        self.sentences.append(sentence)

    def _dedupe(self, spans: Iterable[Span], origin: str) -> tuple[Span, ...]:
        seen: set[Span] = set()
        unique = []
        for span in spans:
            if span in seen:
                self.report.repair(REPAIR_DUPLICATE, origin)
                continue
            seen.add(span)
            unique.append(span)
        return tuple(unique)

    def finish(self, split: str) -> list[Sentence]:
        self.report.record_split(split, self.sentences)
        return self.sentences
