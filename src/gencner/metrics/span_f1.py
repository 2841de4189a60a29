"""Entity-level scores: exact match on (start, end, type), counted per type.

Conventions (written here once, used by every score in gencner):

- A prediction is correct only if its (start, end, type) equals a gold span's; a boundary off by one or a
  wrong type is one false positive *and* one false negative.
- Within one sentence a span is counted once, however often it is predicted or annotated (spans are sets).
- F1 = 2·tp / (gold + pred), with gold = tp + fn and pred = tp + fp.
- When gold = pred = 0 (a type that is neither annotated nor predicted), precision, recall and F1 are all
  1.0: nothing was to be found and nothing wrong was predicted. This is SpanKL's convention for F1 (its
  ``aggregate_metrics``); SpanKL leaves precision and recall at 0 there, we use 1.0 so that the three agree.
  When only one side is empty the undefined ratio is 0.0 (precision with pred = 0, recall with gold = 0),
  as in seqeval with ``zero_division=0``; F1 is then 0.0 by the formula above.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import torch
from torchmetrics import Metric

from gencner.data.schema import SpanLike, as_span_key

COUNT_KEYS = ("tp", "fp", "fn")


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """(precision, recall, f1) from counts; f1 = 2·tp / (gold + pred); 1.0 everywhere when gold = pred = 0."""
    tp, fp, fn = (operator.index(x) for x in (tp, fp, fn))
    if min(tp, fp, fn) < 0:
        raise ValueError(f"counts must be non-negative, got tp={tp} fp={fp} fn={fn}")
    gold, pred = tp + fn, tp + fp
    if gold == 0 and pred == 0:
        return 1.0, 1.0, 1.0
    precision = tp / pred if pred else 0.0
    recall = tp / gold if gold else 0.0
    return precision, recall, 2 * tp / (gold + pred)


def score_counts(tp: int, fp: int, fn: int) -> dict[str, Any]:
    """The full score dict of one type (or one pool of types): counts, gold, pred, precision, recall, f1."""
    precision, recall, f1 = prf(tp, fp, fn)
    return {
        "tp": int(tp),
        "fp": int(fp),
        "fn": int(fn),
        "gold": int(tp + fn),
        "pred": int(tp + fp),
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


class SpanF1(Metric):
    """Per-type tp / fp / fn over sentences, exact match on (start, end, type).

    States ``tp``, ``fp``, ``fn`` are LongTensors of shape (n_types,) reduced with ``sum``, so under DDP
    each rank counts its own sentences and the synchronised sum is exact. De-duplication is the caller's
    job: a distributed sampler pads the last batch by repeating sentences, and those repeats are counted
    like any other sentence unless the caller drops them before ``update``.

    ``compute()`` returns a plain dict (python ints and floats)::

        {"per_type": {type: {"tp", "fp", "fn", "gold", "pred", "precision", "recall", "f1"}},
         "micro": {same keys, pooled over all types of the metric},
         "macro_f1": mean of the per-type F1}

    Build the metric with the types that should be scored (e.g. the seen types): a type without gold and
    without predictions scores 1.0 (see the module docstring) and would lift ``macro_f1``.
    """

    is_differentiable = False
    higher_is_better = True
    full_state_update = False

    def __init__(self, types: Sequence[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.types = tuple(types)
        if not self.types:
            raise ValueError("SpanF1 needs at least one entity type")
        if len(set(self.types)) != len(self.types):
            raise ValueError(f"duplicate entity types in {list(self.types)}")
        self._index = {t: i for i, t in enumerate(self.types)}
        for name in COUNT_KEYS:
            self.add_state(name, default=torch.zeros(len(self.types), dtype=torch.long), dist_reduce_fx="sum")

    def _span_set(self, spans: Iterable[SpanLike]) -> set[tuple[int, int, str]]:
        keys = {as_span_key(s) for s in spans}
        for _, _, type_ in keys:
            if type_ not in self._index:
                raise ValueError(f"unknown entity type {type_!r}; the metric knows: {', '.join(self.types)}")
        return keys

    def update(self, preds: Sequence[Iterable[SpanLike]], golds: Sequence[Iterable[SpanLike]]) -> None:
        """One element per sentence in each sequence: the predicted and the gold spans of that sentence."""
        if len(preds) != len(golds):
            raise ValueError(f"preds has {len(preds)} sentences but golds has {len(golds)}")
        counts = {name: [0] * len(self.types) for name in COUNT_KEYS}
        for pred_spans, gold_spans in zip(preds, golds, strict=True):
            pred, gold = self._span_set(pred_spans), self._span_set(gold_spans)
            for name, keys in (("tp", pred & gold), ("fp", pred - gold), ("fn", gold - pred)):
                for _, _, type_ in keys:
                    counts[name][self._index[type_]] += 1
        for name in COUNT_KEYS:
            state = getattr(self, name)
            setattr(self, name, state + torch.tensor(counts[name], dtype=torch.long, device=state.device))

    def compute(self) -> dict[str, Any]:
        tp, fp, fn = (getattr(self, name).tolist() for name in COUNT_KEYS)
        per_type = {t: score_counts(tp[i], fp[i], fn[i]) for i, t in enumerate(self.types)}
        micro = score_counts(sum(tp), sum(fp), sum(fn))
        macro = sum(s["f1"] for s in per_type.values()) / len(per_type)
        return {"per_type": per_type, "micro": micro, "macro_f1": macro}


def _is_compute_result(value: Mapping) -> bool:
    return isinstance(value.get("per_type"), Mapping) and "micro" in value


def _entry_counts(type_: str, entry: Any) -> dict[str, int]:
    if isinstance(entry, Mapping):
        missing = [k for k in COUNT_KEYS if k not in entry]
        if missing:
            raise ValueError(f"counts of type {type_!r} lack {missing}")
        values = [entry[k] for k in COUNT_KEYS]
    else:
        values = list(entry)
        if len(values) != 3:
            raise ValueError(f"counts of type {type_!r} must be (tp, fp, fn), got {entry!r}")
    return dict(zip(COUNT_KEYS, (int(operator.index(v)) for v in values), strict=True))


def counts_by_type(metric_or_dict: SpanF1 | Mapping) -> dict[str, dict[str, int]]:
    """{type: {"tp", "fp", "fn"}} from a ``SpanF1`` (its synchronised ``compute()``), from a ``compute()``
    result, or from a per-type mapping whose entries are count dicts or (tp, fp, fn) tuples."""
    if isinstance(metric_or_dict, SpanF1):
        metric_or_dict = metric_or_dict.compute()
    if not isinstance(metric_or_dict, Mapping):
        raise TypeError(f"expected a SpanF1 or a mapping, got {type(metric_or_dict).__name__}")
    per_type = metric_or_dict["per_type"] if _is_compute_result(metric_or_dict) else metric_or_dict
    return {str(t): _entry_counts(str(t), entry) for t, entry in per_type.items()}


def task_f1(per_type_counts: SpanF1 | Mapping, task_types: Iterable[str] | str) -> float:
    """Micro-F1 pooled over one task's types: 2·Σtp / (Σgold + Σpred). For a one-type task (OntoNotes)
    this is that type's F1. A single string is taken as a one-type task."""
    types = [task_types] if isinstance(task_types, str) else list(task_types)
    if not types:
        raise ValueError("a task needs at least one entity type")
    counts = counts_by_type(per_type_counts)
    missing = [t for t in types if t not in counts]
    if missing:
        raise ValueError(f"no counts for type(s) {missing}; counted types: {', '.join(counts)}")
    pooled = [sum(counts[t][k] for t in types) for k in COUNT_KEYS]
    return prf(*pooled)[2]
