"""Score decoded triplets against gold: exact match on (start, end, type) over a chosen set of types."""

from __future__ import annotations

from collections.abc import Sequence

from gencner.data.predictions import Prediction
from gencner.data.schema import Sentence
from gencner.metrics import SpanF1


def restrict(triplets: Sequence[Prediction], types: set[str]) -> list[Prediction]:
    """Predictions of types outside the scored set are out of scope (e.g. old types on a task's dev set)."""
    return [t for t in triplets if t.span.type in types]


def score(predictions: Sequence[Sequence[Prediction]], sentences: Sequence[Sentence], types: Sequence[str]) -> dict:
    """SpanF1.compute() over `types`: gold is the sentences' spans of those types (nothing is dropped from
    the gold side: entities lost to source truncation count as misses)."""
    wanted = set(types)
    # The predictions are already complete on every rank (predict_sentences gathers them): summing the
    # states across ranks would count every sentence once per rank.
    metric = SpanF1(list(types), sync_on_compute=False)
    metric.update(
        [[t.span for t in restrict(p, wanted)] for p in predictions],
        [[s for s in sent.spans if s.type in wanted] for sent in sentences],
    )
    return metric.compute()
