"""Unlabelled input of `gencner predict`: one sentence per line (words split on whitespace), or jsonl
with "tokens" (a list of words) or "text" (split on whitespace). Every line is a sentence, an empty one
included, so that output line i answers input line i. Lines are decoded as every reader decodes them
(UTF-8, a byte-order mark at the start dropped), so a bad byte or a bad JSON line names its line."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from gencner.data.readers.common import decoded_lines, numbered_lines, parse_json_object
from gencner.data.schema import Sentence
from gencner.errors import DataError

STDIN = "<stdin>"


def read_plain(path: str) -> list[Sentence]:
    """The sentences of a file (jsonl when it ends in .jsonl) or, for "-", of stdin (plain text)."""
    if path == "-":
        return sentences_from_lines(decoded_lines(sys.stdin.buffer, STDIN), STDIN, jsonl=False)
    return sentences_from_lines(numbered_lines(Path(path)), path, jsonl=path.endswith(".jsonl"))


def sentences_from_lines(lines: Iterable[tuple[int, str]], source: str, jsonl: bool) -> list[Sentence]:
    """One Sentence per decoded (number, text) line; `source` names the input in errors and origins."""
    return [
        Sentence(tuple(_jsonl_tokens(text, source, number) if jsonl else text.split()), (), number - 1, f"{source}:{number}")
        for number, text in lines
    ]


def _jsonl_tokens(line: str, source: str, number: int) -> list[str]:
    if not line.strip():
        return []
    item = parse_json_object(source, number, line)
    tokens = item.get("tokens")
    if tokens is None and isinstance(item.get("text"), str):
        tokens = item["text"].split()
    if not isinstance(tokens, list) or not all(isinstance(t, str) and t for t in tokens):
        raise DataError(source, number, 'expected {"tokens": [non-empty strings]} or {"text": "..."}')
    return tokens
