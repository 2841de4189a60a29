"""The data model every module shares: words, word-level spans, sentences. No torch here.

Conventions: a span covers words ``tokens[start:end]`` (``end`` exclusive, as in SpanKL's jsonl);
spans of a sentence are kept sorted by (start, end, type).
"""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

SPLITS = ("train", "dev", "test")


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int  # exclusive
    type: str

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


# A span as the metrics accept it: a Span or any (start, end, type) 3-tuple.
SpanLike = Span | tuple


def as_span_key(span: SpanLike) -> tuple[int, int, str]:
    """(start, end, type) of a ``Span`` or of any 3-tuple; positions must be integers (no silent rounding)."""
    if isinstance(span, Span):
        return span.start, span.end, span.type
    try:
        start, end, type_ = span
        return operator.index(start), operator.index(end), str(type_)
    except (TypeError, ValueError):
        raise ValueError(f"a span must be a Span or a (start, end, type) tuple with integer positions, got {span!r}") from None


@dataclass(frozen=True)
class Sentence:
    """One sentence of a split. ``idx`` is its position in that split: the identity used by task
    allocation (a sentence repeated across Filter tasks keeps its idx). ``origin`` is "file:line" for
    error messages and decoded dumps. ``task_id`` is the perm0 task given by a ``*_task.jsonl`` file."""

    tokens: tuple[str, ...]
    spans: tuple[Span, ...] = ()
    idx: int = 0
    origin: str = ""
    task_id: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "tokens", tuple(self.tokens))
        object.__setattr__(self, "spans", tuple(sorted(self.spans)))

    def restrict(self, types: Iterable[str]) -> Sentence:
        """The same sentence with gold only for ``types`` (the others are removed, not relabelled)."""
        keep = set(types)
        return replace(self, spans=tuple(s for s in self.spans if s.type in keep))

    def has_type(self, types: Iterable[str]) -> bool:
        keep = set(types)
        return any(s.type in keep for s in self.spans)

    def mention(self, span: Span) -> str:
        return " ".join(self.tokens[span.start : span.end])


@dataclass
class Corpus:
    """The three splits of a dataset plus its type inventory (in the dataset definition's order)."""

    name: str
    train: list[Sentence]
    dev: list[Sentence]
    test: list[Sentence]
    types: tuple[str, ...]
    report: ReadReport

    def split(self, name: str) -> list[Sentence]:
        return {"train": self.train, "dev": self.dev, "test": self.test}[name]


def entity_counts(sentences: Sequence[Sentence]) -> dict[str, int]:
    """Number of gold spans per type, sorted by type name."""
    counts = Counter(s.type for sent in sentences for s in sent.spans)
    return dict(sorted(counts.items()))


@dataclass
class ReadReport:
    """What a reader saw, repaired and dropped. Nothing is lost silently: every repair and every drop is
    counted under a reason, with the first few locations kept as examples."""

    source: str = ""
    sentences: dict[str, int] = field(default_factory=dict)
    entities: dict[str, dict[str, int]] = field(default_factory=dict)
    repairs: Counter = field(default_factory=Counter)
    drops: Counter = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    max_examples: int = 5

    def repair(self, reason: str, where: str, n: int = 1) -> None:
        self.repairs[reason] += n
        self._example(reason, where)

    def drop(self, reason: str, where: str, n: int = 1) -> None:
        self.drops[reason] += n
        self._example(reason, where)

    def _example(self, reason: str, where: str) -> None:
        seen = self.examples.setdefault(reason, [])
        if len(seen) < self.max_examples:
            seen.append(where)

    def record_split(self, split: str, sentences: Sequence[Sentence]) -> None:
        self.sentences[split] = len(sentences)
        self.entities[split] = entity_counts(sentences)

    def merge(self, other: ReadReport) -> None:
        for reason, n in other.repairs.items():
            self.repairs[reason] += n
        for reason, n in other.drops.items():
            self.drops[reason] += n
        for reason, where in other.examples.items():
            for w in where:
                self._example(reason, w)
        self.sentences.update(other.sentences)
        self.entities.update(other.entities)

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "sentences": dict(self.sentences),
            "entities": {k: dict(v) for k, v in self.entities.items()},
            "repairs": dict(sorted(self.repairs.items())),
            "drops": dict(sorted(self.drops.items())),
            "examples": {k: list(v) for k, v in sorted(self.examples.items())},
        }
