"""Pseudo-labels: thresholds, the conflict rule, target order (docs/methods.md, "Pseudo-labels")."""

import numpy as np
import pytest

from gencner.cl.pseudo import PseudoStats, confidence_thresholds, merged_example, pseudo_quality, select_pseudo
from gencner.data.schema import Sentence, Span
from gencner.families.pointer.encoding import Triplet


def triplet(start, end, kind, conf, others=1.0):
    return Triplet(Span(start, end, kind), (others, conf, others))


def test_thresholds_are_the_per_type_median_of_confidences():
    predictions = [
        [triplet(0, 1, "ORG", 0.9), triplet(2, 3, "PER", 0.2)],
        [triplet(0, 1, "ORG", 0.5), triplet(4, 5, "ORG", 0.7)],
        [triplet(1, 2, "PER", 0.6), triplet(3, 4, "ORG", 0.95)],
    ]
    thresholds = confidence_thresholds(predictions, 0.5)
    assert thresholds["ORG"] == pytest.approx(np.median([0.9, 0.5, 0.7, 0.95]))  # 0.8: interpolated
    assert thresholds["PER"] == pytest.approx(0.4)


def test_the_confidence_is_the_minimum_of_the_three_probabilities():
    t = Triplet(Span(0, 1, "ORG"), (0.9, 0.3, 0.8))
    assert t.confidence == 0.3
    assert confidence_thresholds([[t]], 0.5) == {"ORG": pytest.approx(0.3)}


def test_other_quantiles_follow_numpy():
    confidences = [0.1, 0.4, 0.45, 0.8, 0.99]
    predictions = [[triplet(0, 1, "X", c)] for c in confidences]
    for q in (0.0, 0.25, 0.9, 1.0):
        assert confidence_thresholds(predictions, q)["X"] == pytest.approx(np.quantile(confidences, q))


def test_triplets_at_or_above_the_threshold_are_kept_and_counted():
    stats = PseudoStats()
    kept = select_pseudo([triplet(0, 1, "ORG", 0.8), triplet(2, 3, "ORG", 0.79), triplet(4, 5, "ORG", 0.9)], [], {"ORG": 0.8}, stats)
    assert [t.span.start for t in kept] == [0, 4]
    assert stats.to_dict()["ORG"] == {"raw": 3, "below_threshold": 1, "kept": 2, "distilled": 0, "dropped": 1, "conflicts": 0}
    assert all(t.hard for t in kept)


def test_gold_wins_over_overlapping_pseudo_triplets():
    gold = [Span(2, 4, "DATE")]
    stats = PseudoStats()
    candidates = [triplet(0, 2, "ORG", 1.0), triplet(3, 5, "ORG", 1.0), triplet(2, 4, "PER", 1.0), triplet(4, 6, "ORG", 1.0)]
    kept = select_pseudo(candidates, gold, {"ORG": 0.5, "PER": 0.5}, stats)
    assert [t.span for t in kept] == [Span(0, 2, "ORG"), Span(4, 6, "ORG")]  # touching spans do not overlap
    assert stats.conflicts == {"ORG": 1, "PER": 1}


def test_target_is_pseudo_in_teacher_order_then_gold_sorted():
    sentence = Sentence(tuple("a b c d e f g h".split()), (Span(6, 7, "DATE"), Span(1, 2, "DATE")))
    pseudo = [triplet(4, 5, "ORG", 0.9), triplet(0, 1, "PER", 0.9)]
    example = merged_example(sentence, pseudo, "pseudo-first")
    assert example.targets == (Span(4, 5, "ORG"), Span(0, 1, "PER"), Span(1, 2, "DATE"), Span(6, 7, "DATE"))
    assert example.pseudo == (True, True, False, False)
    ordered = merged_example(sentence, pseudo, "sorted")
    assert ordered.targets == (Span(0, 1, "PER"), Span(1, 2, "DATE"), Span(4, 5, "ORG"), Span(6, 7, "DATE"))
    assert ordered.pseudo == (True, False, True, False)


def test_pseudo_quality_against_the_old_types_gold():
    kept = [[Span(0, 1, "ORG"), Span(2, 3, "ORG")], [Span(0, 2, "PER")]]
    gold = [[Span(0, 1, "ORG")], [Span(0, 2, "PER"), Span(3, 4, "PER")]]
    quality = pseudo_quality(kept, gold, ["ORG", "PER", "GPE"])
    assert quality["ORG"]["precision"] == 0.5 and quality["ORG"]["recall"] == 1.0
    assert quality["PER"]["precision"] == 1.0 and quality["PER"]["recall"] == 0.5
    assert quality["GPE"]["precision"] is None and quality["GPE"]["recall"] is None
