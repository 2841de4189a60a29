"""Inference (docs/methods.md, "Decoding"): candidates at p ≥ 0.5, greedy overlap resolution by
probability."""

from __future__ import annotations

import torch
from spankl_support import SENTENCES

from gencner.data.predictions import DecodeReport
from gencner.families.spankl import ScoredSpan, decode, resolve_overlaps, span_candidates


def test_overlap_resolution_keeps_the_higher_probability_span():
    low, high = ScoredSpan(0, 2, "ORG", 0.7), ScoredSpan(1, 3, "PER", 0.9)
    assert resolve_overlaps([low, high]) == [high]
    apart = ScoredSpan(4, 5, "LOC", 0.6)
    assert resolve_overlaps([apart, low, high]) == [high, apart]  # sorted by position


def test_ties_keep_candidate_order_and_nested_spans_lose_to_a_more_probable_one():
    first, second = ScoredSpan(0, 2, "ORG", 0.8), ScoredSpan(1, 2, "PER", 0.8)
    assert resolve_overlaps([first, second]) == [first]
    assert resolve_overlaps([second, first]) == [second]
    inner, outer = ScoredSpan(1, 2, "LOC", 0.95), ScoredSpan(0, 3, "ORG", 0.9)
    assert resolve_overlaps([outer, inner]) == [inner]


def test_the_overlapping_candidates_dropped_are_counted():
    report = DecodeReport()
    kept = resolve_overlaps([ScoredSpan(0, 2, "ORG", 0.7), ScoredSpan(1, 3, "PER", 0.9), ScoredSpan(1, 3, "LOC", 0.6)], report)
    assert kept == [ScoredSpan(1, 3, "PER", 0.9)] and report.overlaps_dropped == 2


def test_candidates_are_cells_at_or_above_the_threshold_inside_the_sentence_in_type_then_span_order():
    probs = torch.zeros(3, 2, 2)
    probs[0, 1, 0] = 0.5  # words 0..1, type A: exactly the threshold counts
    probs[2, 0, 1] = 0.9  # word 2, type B
    probs[1, 0, 0] = 0.49  # below
    probs[2, 1, 0] = 0.99  # i + w = 3 ≥ n: not a span
    found = span_candidates(probs, ["A", "B"], 0.5)
    assert found == [ScoredSpan(0, 2, "A", 0.5), ScoredSpan(2, 3, "B", 0.8999999761581421)]


def test_decode_returns_learned_types_with_confidences_and_leaves_the_mode_alone(make_model):
    model = make_model(("PER",), ("LOC",), threshold=0.01)  # a random model: most cells are candidates
    model.net.train()
    raw = decode(model, SENTENCES[:2], flat=False)
    flat = decode(model, SENTENCES[:2])
    assert model.net.training
    assert raw[0] and all(p.type in {"PER", "LOC"} and 0.01 <= p.confidence <= 1 for p in raw[0])
    for predictions in flat:
        words = [w for p in predictions for w in range(p.start, p.end)]
        assert len(words) == len(set(words))  # flat: no word twice
    assert len(flat[0]) < len(raw[0])
