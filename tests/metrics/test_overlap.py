"""Greedy overlap removal: most confident first, deterministic ties, dropped spans counted."""

from __future__ import annotations

import itertools

import pytest

from gencner.data.schema import Span
from gencner.metrics import resolve_overlaps


def test_nested_keeps_the_more_confident_of_outer_and_inner():
    outer, inner = Span(0, 5, "ORG"), Span(1, 2, "PER")
    assert resolve_overlaps([(outer, 0.9), (inner, 0.8)]) == ([outer], 1)
    assert resolve_overlaps([(outer, 0.7), (inner, 0.8)]) == ([inner], 1)


def test_chain_keeps_first_and_third():
    # B overlaps A and C, but A and C do not overlap: once B is dropped, C is free
    a, b, c = Span(0, 3, "ORG"), Span(2, 5, "PER"), Span(4, 7, "GPE")
    assert resolve_overlaps([(c, 0.7), (b, 0.8), (a, 0.9)]) == ([a, c], 1)


def test_chain_with_middle_most_confident_keeps_only_the_middle():
    a, b, c = Span(0, 3, "ORG"), Span(2, 5, "PER"), Span(4, 7, "GPE")
    assert resolve_overlaps([(a, 0.5), (b, 0.9), (c, 0.5)]) == ([b], 2)


def test_adjacent_spans_do_not_overlap_and_output_is_sorted():
    spans = [(Span(3, 4, "PER"), 0.1), (Span(0, 3, "ORG"), 0.9), ((4, 6, "GPE"), 0.5)]
    kept, dropped = resolve_overlaps(spans)
    assert kept == [Span(0, 3, "ORG"), Span(3, 4, "PER"), Span(4, 6, "GPE")] and dropped == 0


@pytest.mark.parametrize(
    "candidates, winner",
    [
        ([Span(2, 4, "PER"), Span(0, 3, "PER")], Span(0, 3, "PER")),  # earlier start
        ([Span(0, 4, "PER"), Span(0, 2, "PER")], Span(0, 2, "PER")),  # same start: shorter
        ([Span(0, 2, "PER"), Span(0, 2, "LOC")], Span(0, 2, "LOC")),  # same span: type name
    ],
)
def test_ties_are_broken_deterministically_whatever_the_input_order(candidates, winner):
    for order in itertools.permutations(candidates):
        assert resolve_overlaps([(span, 0.5) for span in order]) == ([winner], 1)


def test_repeated_span_is_dropped_and_counted():
    span = Span(1, 2, "PER")
    assert resolve_overlaps([(span, 0.4), (span, 0.6)]) == ([span], 1)


def test_empty_input_and_nan_confidence():
    assert resolve_overlaps([]) == ([], 0)
    with pytest.raises(ValueError, match="NaN"):
        resolve_overlaps([(Span(0, 1, "PER"), float("nan"))])
