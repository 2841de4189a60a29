"""CoNLL-2012 ``*gold_conll`` files (OntoNotes 5.0 as released for the CoNLL-2012 shared task).

A file holds documents between ``#begin document (bc/cctv/00/cctv_0001); part 000`` and
``#end document`` lines; inside, one word per line with whitespace-separated columns and a blank line
between sentences. Column 1 is the document id, column 4 the word and column 11 the named entities in
bracket notation: ``(TYPE*`` opens an entity, ``*`` continues (or is outside one), ``*)`` closes it,
``(TYPE)`` is a one-word entity. Entities are flat, so an entity opened inside another is an error.

Words are unescaped (``-LRB-`` → ``(``, ``/.`` → ``.`` …). Sentences of ``pt/`` documents (the Bible
portion, which has no named-entity layer) are dropped and counted, which gives the standard split.
"""

from __future__ import annotations

from pathlib import Path

from gencner.data.readers.common import DROP_BIBLE, SentenceCollector, numbered_lines
from gencner.data.schema import ReadReport, Sentence, Span
from gencner.errors import DataError

WORD_COLUMN = 3
ENTITY_COLUMN = 10
UNESCAPE = {
    "-LRB-": "(",
    "-RRB-": ")",
    "-LSB-": "[",
    "-RSB-": "]",
    "-LCB-": "{",
    "-RCB-": "}",
    "/.": ".",
    "/?": "?",
    "/-": "-",
}


def read_conll2012(path: str | Path, split: str, report: ReadReport) -> list[Sentence]:
    """Read one ``*gold_conll`` file, or every such file under a folder (sorted by relative path).

    Origins are "relative/path:line" of a sentence's first word."""
    root = Path(path)
    collector = SentenceCollector(report)
    for file in gold_files(root):
        name = file.name if file == root else file.relative_to(root).as_posix()
        _read_file(file, name, collector)
    return collector.finish(split)


def gold_files(root: Path) -> list[Path]:
    """The files read for `root`: itself, or the *gold_conll files under the folder."""
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise DataError(root, None, "no such file or folder")
    files = sorted(
        (p for p in root.rglob("*") if p.name.endswith("gold_conll") and p.is_file()),
        key=lambda p: p.relative_to(root).as_posix(),
    )
    if not files:
        raise DataError(root, None, "the folder holds no file whose name ends with 'gold_conll'")
    return files


class _Sentence:
    """The sentence being read: words, finished spans and the entity still open."""

    def __init__(self) -> None:
        self.words: list[str] = []
        self.spans: list[Span] = []
        self.first_line = 0
        self.document = ""
        self.open: tuple[str, int, int] | None = None  # (type, start word, line)


def _read_file(file: Path, name: str, collector: SentenceCollector) -> None:
    current = _Sentence()
    for number, line in numbered_lines(file):
        stripped = line.strip()
        if not stripped or stripped.startswith(("#begin document", "#end document")):
            _flush(file, name, current, collector)
            current = _Sentence()
            continue
        columns = stripped.split()
        if len(columns) <= ENTITY_COLUMN:
            raise DataError(
                file,
                number,
                f"the line has {len(columns)} columns; a gold_conll line has at "
                f"least {ENTITY_COLUMN + 1} (the word in column 4, the entities in column 11)",
            )
        if not current.words:
            current.first_line, current.document = number, columns[0]
        _read_entity_field(file, number, columns[ENTITY_COLUMN], current)
        word = columns[WORD_COLUMN]
        current.words.append(UNESCAPE.get(word, word))
    _flush(file, name, current, collector)


def _read_entity_field(file: Path, number: int, field: str, current: _Sentence) -> None:
    """Apply one word's bracket field: ``*``, ``(TYPE*``, ``(TYPE)``, ``(TYPE*)`` or ``*)``."""
    position = len(current.words)
    if field == "*":
        return
    if field == "*)":
        if current.open is None:
            raise DataError(file, number, "'*)' closes an entity, but none is open")
        type_name, start, _ = current.open
        current.spans.append(Span(start, position + 1, type_name))
        current.open = None
        return
    if not field.startswith("(") or not field.endswith(("*", ")")):
        raise DataError(file, number, f"bad named-entity field {field!r} (expected *, (TYPE*, (TYPE) or *))")
    type_name = field[1:].rstrip(")").rstrip("*")
    if not type_name or any(c in "()*" for c in type_name):
        raise DataError(file, number, f"bad named-entity field {field!r} (expected *, (TYPE*, (TYPE) or *))")
    if current.open is not None:
        raise DataError(
            file, number, f"entity ({type_name} opens inside ({current.open[0]} opened at line {current.open[2]}: nested or unclosed entity"
        )
    if field.endswith(")"):
        current.spans.append(Span(position, position + 1, type_name))
    else:
        current.open = (type_name, position, number)


def _flush(file: Path, name: str, current: _Sentence, collector: SentenceCollector) -> None:
    if current.open is not None:
        type_name, _, line = current.open
        raise DataError(file, line, f"entity ({type_name} is never closed before the sentence ends")
    if not current.words:
        return
    origin = f"{name}:{current.first_line}"
    if current.document.startswith("pt/"):
        collector.report.drop(DROP_BIBLE, origin)
        return
    collector.add(current.words, current.spans, origin)
