"""Pseudo-labels from the previous model (docs/methods.md, "Pseudo-labels"), as pure functions.

confidence of a triplet = min(p(start), p(end), p(type)) under the teacher's constrained distribution;
τ_t = the q-quantile of the confidences of all pseudo triplets of type t in the step's training data
      (numpy's linear interpolation; q = 0.5 is the median); a triplet is kept if confidence ≥ τ_t;
below τ_t (`method.below_threshold`, which the paper does not specify):
      drop    = out of the target (the literal reading);
      distill = stays in the target as a *soft* triplet: in the decoder input, no cross-entropy on its three
                indices, distilled like the kept ones;
      keep    = a hard label like the kept ones (the target of q = 0; τ_t is still computed and logged);
      teacher-pass = out of the target as with drop, but the teacher's own sequence (every pseudo
                triplet that misses new gold, teacher order) is distilled in a second teacher-forced
                pass (Example.teacher): the CE never reads an unsure triplet, the KL still teaches it;
conflict rule: a pseudo triplet overlapping a gold span of the new types is dropped (gold wins);
target = [pseudo triplets in the teacher's order] + [gold sorted by (start, end)] + EOS
         (or everything sorted by position, flag target_order=sorted)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from gencner.config.validation import BELOW_THRESHOLD
from gencner.data.predictions import Prediction
from gencner.data.schema import Sentence, Span
from gencner.data.targets import Example


def confidence_thresholds(predictions: Iterable[Sequence[Prediction]], quantile: float) -> dict[str, float]:
    """τ_t for every type that has at least one pseudo triplet."""
    by_type: dict[str, list[float]] = defaultdict(list)
    for triplets in predictions:
        for t in triplets:
            by_type[t.span.type].append(t.confidence)
    return {name: float(np.quantile(np.asarray(values), quantile)) for name, values in sorted(by_type.items())}


# What became of each teacher triplet: the groups that statistics and precision/recall report.
KEPT, DISTILLED, DROPPED, CONFLICT = "kept", "distilled", "dropped", "conflicts"
# The modes in which a triplet below τ_t is still distilled (no cross-entropy): "distilled" in the counts.
SOFT_MODES = ("distill", "teacher-pass")


@dataclass(frozen=True)
class PseudoTriplet:
    """A teacher triplet in a step's target: `hard` ones get cross-entropy, soft ones only distillation."""

    triplet: Prediction
    hard: bool = True

    @property
    def span(self) -> Span:
        return self.triplet.span


@dataclass
class PseudoStats:
    """Per type: the teacher's triplets (raw), how many fell below τ_t, and what became of each one:
    kept (a hard label), distilled (soft: no CE), dropped (below τ_t, out of the target) or a conflict
    (overlapped new-type gold). raw = kept + distilled + dropped + conflicts."""

    raw: Counter = field(default_factory=Counter)
    below_threshold: Counter = field(default_factory=Counter)
    fate: dict[str, Counter] = field(default_factory=lambda: {g: Counter() for g in (KEPT, DISTILLED, DROPPED, CONFLICT)})

    @property
    def kept(self) -> Counter:
        return self.fate[KEPT]

    @property
    def conflicts(self) -> Counter:
        return self.fate[CONFLICT]

    def to_dict(self) -> dict:
        return {
            t: {"raw": self.raw[t], "below_threshold": self.below_threshold[t], **{g: c[t] for g, c in self.fate.items()}}
            for t in sorted(self.raw)
        }


def passes(t: Prediction, thresholds: dict[str, float]) -> bool:
    """conf ≥ τ_t (a type without a threshold has no pseudo triplet to pass)."""
    return t.confidence >= thresholds.get(t.span.type, float("inf"))


def triplet_fate(t: Prediction, gold: Sequence[Span], thresholds: dict[str, float], below: str) -> str:
    """kept | distilled | dropped | conflicts for one teacher triplet (gold wins over every pseudo one)."""
    if any(t.span.overlaps(g) for g in gold):
        return CONFLICT
    if passes(t, thresholds) or below == "keep":
        return KEPT
    return DISTILLED if below in SOFT_MODES else DROPPED


def select_pseudo(
    triplets: Sequence[Prediction], gold: Sequence[Span], thresholds: dict[str, float], stats: PseudoStats, below: str = "drop"
) -> list[PseudoTriplet]:
    """The teacher's triplets that enter the target, in teacher order: those at or above their type's
    threshold as hard labels, those below it as `below` says; none that overlaps gold."""
    if below not in BELOW_THRESHOLD:
        raise ValueError(f"below_threshold={below!r}; choose one of {', '.join(BELOW_THRESHOLD)}")
    selected = []
    for t in triplets:
        kind = t.span.type
        stats.raw[kind] += 1
        stats.below_threshold[kind] += not passes(t, thresholds)
        fate = triplet_fate(t, gold, thresholds, below)
        stats.fate[fate][kind] += 1
        if fate in (KEPT, DISTILLED):
            selected.append(PseudoTriplet(t, hard=fate == KEPT))
    return selected


def merged_example(sentence: Sentence, pseudo: Sequence[PseudoTriplet | Prediction], order: str, teacher_pass: bool = False) -> Example:
    """[pseudo (teacher order); gold sorted] or, with order="sorted", all spans sorted by position.
    A plain prediction is a hard pseudo label. With `teacher_pass` the soft triplets leave the target
    and every selected triplet, in teacher order, forms the sequence of the second pass."""
    gold = sorted(sentence.spans, key=lambda s: (s.start, s.end, s.type))
    marked = [p if isinstance(p, PseudoTriplet) else PseudoTriplet(p) for p in pseudo]
    if teacher_pass:
        teacher = tuple(p.span for p in marked)
        return replace(merged_example(sentence, [p for p in marked if p.hard], order), teacher=teacher)
    # (span, is a pseudo triplet, gets cross-entropy)
    items = [(p.triplet.span, True, p.hard) for p in marked] + [(s, False, True) for s in gold]
    if order == "sorted":
        items.sort(key=lambda item: (item[0].start, item[0].end, item[0].type))
    return Example(sentence, tuple(s for s, _, _ in items), tuple(p for _, p, _ in items), tuple(h for _, _, h in items))


def pseudo_quality(kept: Sequence[Sequence[Span]], gold_old: Sequence[Sequence[Span]], types: Sequence[str]) -> dict:
    """Precision/recall of pseudo spans (any group of them) against the true gold of the old types
    (reported only; that gold is never trained on)."""
    out = {}
    for kind in types:
        pred = [{s for s in sent if s.type == kind} for sent in kept]
        gold = [{s for s in sent if s.type == kind} for sent in gold_old]
        tp = sum(len(p & g) for p, g in zip(pred, gold))
        n_pred, n_gold = sum(map(len, pred)), sum(map(len, gold))
        out[kind] = {
            "tp": tp,
            "pred": n_pred,
            "gold": n_gold,
            "precision": tp / n_pred if n_pred else None,
            "recall": tp / n_gold if n_gold else None,
        }
    return out


def quality_by_group(
    predictions: Sequence[Sequence[Prediction]],
    gold: Sequence[Sequence[Span]],
    gold_old: Sequence[Sequence[Span]],
    thresholds: dict[str, float],
    below: str,
    types: Sequence[str],
) -> dict[str, dict]:
    """Precision/recall against the old types' true gold of: every teacher triplet (raw), those at or
    above τ_t (above) and below it (below), whatever became of them; and of each fate group (kept,
    distilled, dropped). Recall of a group = the share of the old-type gold that the group holds."""
    groups: dict[str, list[list[Span]]] = {g: [] for g in ("raw", "above", "below", KEPT, DISTILLED, DROPPED)}
    for triplets, new_gold in zip(predictions, gold):
        per = {g: [] for g in groups}
        for t in triplets:
            per["raw"].append(t.span)
            per["above" if passes(t, thresholds) else "below"].append(t.span)
            fate = triplet_fate(t, new_gold, thresholds, below)
            if fate in per:
                per[fate].append(t.span)
        for g, spans in per.items():
            groups[g].append(spans)
    return {g: pseudo_quality(spans, gold_old, types) for g, spans in groups.items()}
