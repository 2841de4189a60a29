"""SpanKL jsonl: one sentence per line.

Each line is a JSON object::

    {"text": "EU rejects German call", "ent_dct": {"ORG": [[0, 1]], "NORP": [[2, "German"]]}, "task_id": 3}

``text`` holds the words joined by single spaces. ``ent_dct`` maps a type to its entities, each either
``[start, end]`` (word indices, ``end`` exclusive) or ``[start, "mention string"]``, whose end is
``start`` + the number of words of the mention (the mention must equal those words). ``task_id``
(optional, written in ``*_task.jsonl``) is the perm0 task the sentence is allocated to; other keys are
ignored. Blank lines are skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from gencner.data.readers.common import SentenceCollector, check_words_writable, numbered_lines, parse_json_object
from gencner.data.schema import ReadReport, Sentence, Span
from gencner.errors import DataError, GencnerError


def read_spankl(path: str | Path, split: str, report: ReadReport) -> list[Sentence]:
    """Read a SpanKL jsonl file; sentences in file order, origin "file.jsonl:line"."""
    path = Path(path)
    collector = SentenceCollector(report)
    for number, line in numbered_lines(path):
        if not line.strip():
            continue
        record = parse_json_object(path, number, line)
        tokens = _words(path, number, record)
        spans = _entities(path, number, record, tokens)
        task_id = _task_id(path, number, record)
        collector.add(tokens, spans, f"{path.name}:{number}", task_id)
    return collector.finish(split)


def _words(path: Path, number: int, record: dict) -> list[str]:
    text = _field(path, number, record, "text", str, "a string")
    if text == "":
        return []
    tokens = text.split(" ")
    # Split on single spaces (not on any whitespace) so that the word indices are SpanKL's; an empty
    # word means the text was not made by joining words with single spaces, so indices are unreliable.
    if "" in tokens:
        raise DataError(
            path,
            number,
            "`text` has an empty word (two spaces in a row, or a leading or trailing space): words must be joined by single spaces",
        )
    return tokens


def _field(path: Path, number: int, record: dict, key: str, kind: type, described: str) -> Any:
    if key not in record:
        raise DataError(path, number, f"missing field `{key}`")
    value = record[key]
    if not isinstance(value, kind):
        raise DataError(path, number, f"`{key}` must be {described}, found {type(value).__name__}")
    return value


def _entities(path: Path, number: int, record: dict, tokens: list[str]) -> list[Span]:
    ent_dct = _field(path, number, record, "ent_dct", dict, "an object {type: [[start, end], ...]}")
    spans = []
    for type_name, items in ent_dct.items():
        if not type_name:
            raise DataError(path, number, "`ent_dct` has an empty type name")
        if not isinstance(items, list):
            raise DataError(path, number, f"`ent_dct[{type_name!r}]` must be a list of [start, end] pairs")
        spans.extend(_span(path, number, type_name, item, tokens) for item in items)
    return spans


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _span(path: Path, number: int, type_name: str, item: Any, tokens: list[str]) -> Span:
    where = f"entity {item!r} of type {type_name!r}"
    if not (isinstance(item, list) and len(item) == 2 and _is_int(item[0])):
        expected = 'expected [start, end] or [start, "mention"] with an int start'
        raise DataError(path, number, f"{where}: {expected}")
    start, second = item
    if isinstance(second, str):
        end = start + len(second.split(" "))
    elif _is_int(second):
        end = second
    else:
        raise DataError(path, number, f"{where}: the end must be an int or a mention string")
    if start >= end:
        raise DataError(path, number, f"{where}: start must be smaller than end (end is exclusive)")
    if start < 0 or end > len(tokens):
        raise DataError(path, number, f"{where}: out of range for a sentence of {len(tokens)} words")
    if isinstance(second, str) and " ".join(tokens[start:end]) != second:
        found = " ".join(tokens[start:end])
        raise DataError(path, number, f"{where}: the mention does not match the words there ({found!r})")
    return Span(start, end, type_name)


def _task_id(path: Path, number: int, record: dict) -> int | None:
    task_id = record.get("task_id")
    if task_id is not None and not _is_int(task_id):
        raise DataError(path, number, f"`task_id` must be an int, found {type(task_id).__name__}")
    return task_id


def write_spankl(path: str | Path, sentences: Iterable[Sentence], with_task_id: bool = False) -> None:
    """Write sentences as SpanKL jsonl (entities as [start, end]; ``task_id`` when asked)."""
    lines = []
    for sentence in sentences:
        check_words_writable(sentence, separators=" ")
        ent_dct: dict[str, list[list[int]]] = {}
        for span in sentence.spans:
            ent_dct.setdefault(span.type, []).append([span.start, span.end])
        record: dict[str, Any] = {"text": " ".join(sentence.tokens), "ent_dct": ent_dct}
        if with_task_id:
            if sentence.task_id is None:
                raise GencnerError(f"sentence {sentence.idx} ({sentence.origin}) has no task_id to write")
            record["task_id"] = sentence.task_id
        lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    Path(path).write_text("".join(lines), encoding="utf-8")
