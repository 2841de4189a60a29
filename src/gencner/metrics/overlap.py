"""Make one sentence's predictions flat, for datasets whose gold never overlaps (OntoNotes, Few-NERD).

A generator can emit overlapping or nested triplets; a flat dataset can never have them right, and scoring
them all would count the same words twice. ``resolve_overlaps`` keeps the most confident span, then the next
most confident one that overlaps nothing kept so far, and so on (greedy, not an optimal packing). Callers
count the dropped predictions (``n_dropped``) in their report, so that the repair is never silent.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from gencner.data.schema import Span
from gencner.metrics.span_f1 import SpanLike, as_span_key


def _priority(item: tuple[Span, float]) -> tuple[float, int, int, str]:
    """Most confident first; ties: earlier start, then shorter span, then type name (so the result does not
    depend on the order the spans were generated in)."""
    span, confidence = item
    return -confidence, span.start, span.end - span.start, span.type


def resolve_overlaps(scored_spans: Iterable[tuple[SpanLike, float]]) -> tuple[list[Span], int]:
    """Greedy overlap removal on (span, confidence) pairs.

    Returns ``(kept, n_dropped)``: the kept spans sorted by (start, end, type) and the number of input
    spans dropped. A span repeated verbatim overlaps its first copy, so repeats are dropped and counted too.
    """
    items = []
    for span, confidence in scored_spans:
        confidence = float(confidence)
        if math.isnan(confidence):
            raise ValueError(f"confidence of {span!r} is NaN")
        items.append((Span(*as_span_key(span)), confidence))
    kept: list[Span] = []
    for span, _ in sorted(items, key=_priority):
        if not any(span.overlaps(other) for other in kept):
            kept.append(span)
    return sorted(kept), len(items) - len(kept)
