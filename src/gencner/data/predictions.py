"""What a model of any family predicts: a span and how sure it is. The metrics, the pseudo-label
selection and the reports read only these two fields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from gencner.data.schema import Span


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
