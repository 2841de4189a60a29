"""What a model of any family predicts: a span and how sure it is. The metrics, the pseudo-label
selection and the reports read only these two fields. What decoding counted besides, under the same
keys for every family: DecodeReport."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from gencner.data.encoded_words import EncodedWords
from gencner.data.schema import Sentence, Span


class Prediction(Protocol):
    @property
    def span(self) -> Span: ...

    @property
    def confidence(self) -> float: ...


@dataclass(frozen=True)
class ScoredSpan:
    """A prediction with one probability (a span scorer's sigmoid)."""

    span: Span
    confidence: float


@dataclass
class DecodeReport:
    """What decoding produced besides predictions: nothing is dropped without being counted. A count a
    family cannot have (a span scorer's malformed outputs) stays at zero, so every report has every key."""

    sentences: int = 0
    triplets: int = 0  # predictions kept
    malformed: Counter = field(default_factory=Counter)
    truncated_outputs: int = 0  # a generated output without its end within the length limit
    overlaps_dropped: int = 0  # flat data: less confident overlapping predictions
    truncated_sources: int = 0  # sentences longer than the model's source length
    truncated_entities: int = 0  # their gold entities past the kept words: unpredictable, scored as misses

    def add(self, other: DecodeReport) -> None:
        self.sentences += other.sentences
        self.triplets += other.triplets
        self.malformed.update(other.malformed)
        self.truncated_outputs += other.truncated_outputs
        self.overlaps_dropped += other.overlaps_dropped
        self.truncated_sources += other.truncated_sources
        self.truncated_entities += other.truncated_entities

    def count_cut(self, sentences: Sequence[Sentence], sources: Sequence[EncodedWords]) -> None:
        """The sentences the word-piece limit cut, and their gold spans reaching past the cut."""
        cut = [(sentence, source.kept_words) for sentence, source in zip(sentences, sources) if source.truncated]
        self.truncated_sources += len(cut)
        self.truncated_entities += sum(span.end > kept for sentence, kept in cut for span in sentence.spans)

    def to_dict(self) -> dict:
        return {
            "sentences": self.sentences,
            "triplets": self.triplets,
            "malformed": dict(self.malformed),
            "truncated_outputs": self.truncated_outputs,
            "overlaps_dropped": self.overlaps_dropped,
            "truncated_sources": self.truncated_sources,
            "truncated_entities": self.truncated_entities,
        }
