"""Pseudo-labels from the previous model (protocol §5.3–6), as pure functions.

confidence of a triplet = min(p(start), p(end), p(type)) under the teacher's constrained distribution;
τ_t = the q-quantile of the confidences of all pseudo triplets of type t in the step's training data
      (numpy's linear interpolation; q = 0.5 is the median); a triplet is kept if confidence ≥ τ_t;
conflict rule: a kept pseudo triplet overlapping a gold span of the new types is dropped (gold wins);
target = [kept pseudo triplets in the teacher's order] + [gold sorted by (start, end)] + EOS
         (or everything sorted by position, flag target_order=sorted)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np

from gencner.data.batching import Example
from gencner.data.encoding import Triplet
from gencner.data.schema import Sentence, Span


def confidence_thresholds(predictions: Iterable[Sequence[Triplet]], quantile: float) -> dict[str, float]:
    """τ_t for every type that has at least one pseudo triplet."""
    by_type: dict[str, list[float]] = defaultdict(list)
    for triplets in predictions:
        for t in triplets:
            by_type[t.span.type].append(t.confidence)
    return {name: float(np.quantile(np.asarray(values), quantile)) for name, values in sorted(by_type.items())}


@dataclass
class PseudoStats:
    raw: Counter = field(default_factory=Counter)  # teacher triplets per type
    below_threshold: Counter = field(default_factory=Counter)
    conflicts: Counter = field(default_factory=Counter)  # dropped: overlapped new-type gold
    kept: Counter = field(default_factory=Counter)

    def to_dict(self) -> dict:
        types = sorted(set(self.raw) | set(self.kept))
        return {t: {"raw": self.raw[t], "below_threshold": self.below_threshold[t], "conflicts": self.conflicts[t], "kept": self.kept[t]} for t in types}


def select_pseudo(
    triplets: Sequence[Triplet], gold: Sequence[Span], thresholds: dict[str, float], stats: PseudoStats
) -> list[Triplet]:
    """The teacher's triplets that pass their type's threshold and do not overlap gold, in teacher order."""
    kept = []
    for t in triplets:
        kind = t.span.type
        stats.raw[kind] += 1
        if t.confidence < thresholds.get(kind, float("inf")):
            stats.below_threshold[kind] += 1
        elif any(t.span.overlaps(g) for g in gold):
            stats.conflicts[kind] += 1
        else:
            stats.kept[kind] += 1
            kept.append(t)
    return kept


def merged_example(sentence: Sentence, pseudo: Sequence[Triplet], order: str) -> Example:
    """[pseudo (teacher order); gold sorted] or, with order="sorted", all spans sorted by position."""
    gold = sorted(sentence.spans, key=lambda s: (s.start, s.end, s.type))
    items = [(t.span, True) for t in pseudo] + [(s, False) for s in gold]
    if order == "sorted":
        items.sort(key=lambda item: (item[0].start, item[0].end, item[0].type))
    return Example(sentence, tuple(s for s, _ in items), tuple(p for _, p in items))


def pseudo_quality(kept: Sequence[Sequence[Span]], gold_old: Sequence[Sequence[Span]], types: Sequence[str]) -> dict:
    """Precision/recall of kept pseudo spans against the true gold of the old types (reported only; that
    gold is never trained on)."""
    out = {}
    for kind in types:
        pred = [{s for s in sent if s.type == kind} for sent in kept]
        gold = [{s for s in sent if s.type == kind} for sent in gold_old]
        tp = sum(len(p & g) for p, g in zip(pred, gold))
        n_pred, n_gold = sum(map(len, pred)), sum(map(len, gold))
        out[kind] = {"tp": tp, "pred": n_pred, "gold": n_gold,
                     "precision": tp / n_pred if n_pred else None, "recall": tp / n_gold if n_gold else None}
    return out
