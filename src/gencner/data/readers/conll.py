"""CoNLL-style column files: one word per line, a blank line between sentences.

Columns are separated by spaces or tabs; the word is in ``token_column`` and its tag in ``tag_column``
(negative indices count from the end, so the default -1 is the last column); every word line has as
many columns as the first one, or the file is refused. Lines whose word is
``-DOCSTART-`` are document separators: they are skipped and end the current sentence. Tags follow
``scheme``:

- ``bio``: ``O``, ``B-X``, ``I-X``;
- ``bioes``: also ``E-X`` (last word) and ``S-X`` (single word);
- ``io``: ``O`` or a label (``I-X`` or a bare label such as Few-NERD's ``person-actor``); an entity is
  a maximal run of one label, so two adjacent entities of one type read back as one.

Broken sequences are decoded by the rule of ``gencner.data.tags`` and every repair is counted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from gencner.data.readers.common import SentenceCollector, check_words_writable, numbered_lines
from gencner.data.schema import ReadReport, Sentence, Span
from gencner.data.tags import SCHEMES, TagError, spans_to_tags, split_tag, tags_to_spans
from gencner.errors import DataError, GencnerError

DOCSTART = "-DOCSTART-"
BOM = "\ufeff"  # stripped from the start of a file when read (utf-8-sig)
_COLUMN_SEPARATOR = re.compile(r"[ \t]+")


def read_conll(
    path: str | Path,
    split: str,
    report: ReadReport,
    scheme: str = "bio",
    token_column: int = 0,
    tag_column: int = -1,
) -> list[Sentence]:
    """Read a column file; sentences in file order, origin "file:line" of their first word."""
    if scheme not in SCHEMES:
        raise GencnerError(f"unknown tagging scheme {scheme!r}; valid: {', '.join(SCHEMES)}")
    path = Path(path)
    collector = SentenceCollector(report)
    words: list[str] = []
    tags: list[str] = []
    first_line = 0

    def flush() -> None:
        if words:
            origin = f"{path.name}:{first_line}"
            spans = _decode(tags, scheme, report, origin)
            collector.add(words.copy(), spans, origin)
        words.clear()
        tags.clear()

    layout = _ColumnCount(path)
    for number, line in numbered_lines(path):
        columns = _COLUMN_SEPARATOR.split(line.strip(" \t"))
        if columns == [""]:
            flush()
            continue
        word, tag = _pick(path, number, columns, token_column, tag_column)
        if word == DOCSTART:
            flush()
            continue
        layout.check(number, len(columns))
        _check_tag(path, number, tag, scheme)
        if not words:
            first_line = number
        words.append(word)
        tags.append(tag)
    flush()
    return collector.finish(split)


def _pick(path: Path, number: int, columns: list[str], token_column: int, tag_column: int) -> tuple[str, str]:
    """The (word, tag) of a line, or a DataError when the line lacks those columns."""
    count = len(columns)
    token_at = token_column if token_column >= 0 else count + token_column
    tag_at = tag_column if tag_column >= 0 else count + tag_column
    if columns[0] == DOCSTART:
        return DOCSTART, ""
    if not (0 <= token_at < count and 0 <= tag_at < count) or token_at == tag_at:
        raise DataError(
            path,
            number,
            f"the line has {count} column(s); expected the word in column {token_column} and the tag in "
            f"column {tag_column} (columns counted from 0, negative from the end), two different columns",
        )
    return columns[token_at], columns[tag_at]


class _ColumnCount:
    """Every word line of a file has as many columns as its first: a word holding a space
    ("New York<TAB>B-LOC") would otherwise be cut to its first part, its other parts dropped unseen."""

    def __init__(self, path: Path):
        self.path = path
        self.first: tuple[int, int] | None = None  # (line number, columns) of the first word line

    def check(self, number: int, count: int) -> None:
        if self.first is None:
            self.first = (number, count)
            return
        first_line, expected = self.first
        if count != expected:
            raise DataError(
                self.path,
                number,
                f"the line has {count} columns where line {first_line} has {expected}; "
                "every word line needs the same columns (a word holding a space or tab?)",
            )


def _check_tag(path: Path, number: int, tag: str, scheme: str) -> None:
    try:
        split_tag(tag, scheme)
    except TagError as err:
        raise DataError(path, number, str(err)) from None


def _decode(tags: list[str], scheme: str, report: ReadReport, origin: str) -> list[Span]:
    return tags_to_spans(tags, scheme, lambda reason: report.repair(reason, origin))


def write_conll(path: str | Path, sentences: Iterable[Sentence], scheme: str = "bio") -> None:
    """Write ``word<TAB>tag`` lines, a blank line after each sentence.

    Column files hold flat entities only, so overlapping spans are refused; in IO two adjacent
    entities of one type are written as one run (and read back as one entity)."""
    if scheme not in SCHEMES:
        raise GencnerError(f"unknown tagging scheme {scheme!r}; valid: {', '.join(SCHEMES)}")
    blocks = []
    for sentence in sentences:
        _check_writable(sentence)
        if not blocks and sentence.tokens[0].startswith(BOM):
            raise GencnerError(
                f"sentence {sentence.idx} ({sentence.origin or 'no origin'}): the first word of "
                "the file starts with U+FEFF, which would be read back as a byte-order mark"
            )
        tags = spans_to_tags(len(sentence.tokens), sentence.spans, scheme)
        rows = [f"{word}\t{tag}\n" for word, tag in zip(sentence.tokens, tags)]
        blocks.append("".join(rows) + "\n")
    Path(path).write_text("".join(blocks), encoding="utf-8")


def _check_writable(sentence: Sentence) -> None:
    where = f"sentence {sentence.idx} ({sentence.origin or 'no origin'})"
    if not sentence.tokens:
        raise GencnerError(f"{where} has no words; a column file cannot hold an empty sentence")
    check_words_writable(sentence, separators=" \t\r\n")
    if DOCSTART in sentence.tokens:
        raise GencnerError(f"{where}: the word {DOCSTART} would be read back as a document separator")
    for left, right in zip(sentence.spans, sentence.spans[1:]):
        if left.overlaps(right):
            raise GencnerError(f"{where}: overlapping entities {left} and {right} cannot be tagged")
