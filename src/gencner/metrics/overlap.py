"""Make one sentence's spans flat, for datasets whose gold never overlaps (OntoNotes, Few-NERD).

A generator can emit overlapping or nested triplets and a span scorer overlapping candidates; a flat
dataset can never have them right, and scoring them all would count the same words twice. Flat gold read
from files is repaired the same way. The one rule (``keep_flat``) is greedy, not an optimal packing: in
priority order, keep a span when it overlaps none kept so far; callers count the dropped spans in their
report, so that the repair is never silent. What differs is only the priority, each stated here:

  - ``by_confidence`` (the pointer family's predictions): most confident first; ties: earlier start,
    then shorter span, then type name, so the result does not depend on the order the spans were
    generated in;
  - ``by_confidence_in_order`` (SpanKL's predictions): most confident first; ties keep the input order
    (the span scorer's type order, then span order), as SpanKL resolves them;
  - ``gold_by_position`` (flat gold): earlier start first, then the longer span, then type name.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from gencner.data.schema import Span, SpanLike, as_span_key

T = TypeVar("T")


def keep_flat(items: Iterable[T], span_of: Callable[[T], Span], priority: Callable[[T], Any]) -> tuple[list[T], int]:
    """The items kept, in priority order (a stable sort: equal priorities keep the input order), and how
    many were dropped because their span overlaps one kept before. A span repeated verbatim overlaps its
    first copy, so repeats are dropped and counted too."""
    ordered = sorted(items, key=priority)
    kept: list[T] = []
    spans: list[Span] = []
    for item in ordered:
        span = span_of(item)
        if not any(span.overlaps(other) for other in spans):
            kept.append(item)
            spans.append(span)
    return kept, len(ordered) - len(kept)


def by_confidence(item: tuple[Span, float]) -> tuple[float, int, int, str]:
    span, confidence = item
    return -confidence, span.start, span.end - span.start, span.type


def by_confidence_in_order(item: Any) -> float:
    return -item.confidence


def gold_by_position(span: Span) -> tuple[int, int, str]:
    return span.start, -(span.end - span.start), span.type


def resolve_overlaps(scored_spans: Iterable[tuple[SpanLike, float]]) -> tuple[list[Span], int]:
    """Greedy overlap removal on (span, confidence) pairs, ``by_confidence``.

    Returns ``(kept, n_dropped)``: the kept spans sorted by (start, end, type) and the number of input
    spans dropped.
    """
    items = []
    for span, confidence in scored_spans:
        confidence = float(confidence)
        if math.isnan(confidence):
            raise ValueError(f"confidence of {span!r} is NaN")
        items.append((Span(*as_span_key(span)), confidence))
    kept, dropped = keep_flat(items, lambda item: item[0], by_confidence)
    return sorted(span for span, _ in kept), dropped
