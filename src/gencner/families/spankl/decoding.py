"""Inference (docs/methods.md, "Decoding"): p = σ(s) over the learned columns only (a future type has no
column, so it is never scored); every (span, type) with p ≥ threshold is a candidate; on flat datasets
overlaps are resolved greedily:
  1. sort candidates by p, descending; the sort is stable and candidates come in type order, then span
     order (row-major), so ties keep that order (no length tie-break), as in SpanKL;
  2. accept a candidate if none of its words is taken yet.
SpanKL then writes BIO tags and re-extracts entities; the accepted spans never overlap and each
starts with its own B tag, so that round trip gives back exactly the accepted spans and is skipped.
The threshold is one setting used everywhere (SpanKL's training-time F1 uses logit > 0 instead of
p ≥ 0.5, docs/methods.md, "Where it differs from its reference": the two differ only at logit exactly 0)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from gencner.data.predictions import DecodeReport
from gencner.data.sampling import length_batches
from gencner.data.schema import Sentence, Span
from gencner.families.spankl.batching import ScoringModel, SpanExample
from gencner.families.spankl.spans import band_width, cell_span
from gencner.metrics.overlap import by_confidence_in_order, keep_flat


@dataclass(frozen=True, order=True)
class ScoredSpan:
    """A prediction: words [start, end) (end exclusive, as Span) of `type`, with its probability."""

    start: int
    end: int
    type: str
    confidence: float

    @property
    def span(self) -> Span:
        return Span(self.start, self.end, self.type)


def span_candidates(probs: torch.Tensor, types: Sequence[str], threshold: float) -> list[ScoredSpan]:
    """Every cell of one sentence's (n, W, K) probabilities with p ≥ threshold, in type order, then
    span order. Cells past the sentence (i + w ≥ n) are never candidates."""
    n, width, n_types = probs.shape
    if n_types != len(types):
        raise ValueError(f"{n_types} probability columns for {len(types)} types")
    inside = (torch.arange(n)[:, None] + torch.arange(width)[None, :]) < n
    hits = ((probs >= threshold) & inside[..., None]).permute(2, 0, 1).nonzero().tolist()  # (e, i, w), row-major
    return [ScoredSpan(*cell_span(i, w), types[e], float(probs[i, w, e])) for e, i, w in hits]


def resolve_overlaps(candidates: Sequence[ScoredSpan], report: DecodeReport | None = None) -> list[ScoredSpan]:
    """Greedy flat decoding (metrics.overlap.keep_flat, by_confidence_in_order): the most probable
    candidate first, each word in at most one prediction; the result sorted by position. The dropped
    candidates are counted into `report`."""
    kept, dropped = keep_flat(candidates, lambda candidate: candidate.span, by_confidence_in_order)
    if report is not None:
        report.overlaps_dropped += dropped
    return sorted(kept)


def decode_with_report(
    model: ScoringModel, sentences: Sequence[Sentence], batch_size: int, flat: bool, on_batch=None
) -> tuple[list[list[ScoredSpan]], DecodeReport]:
    report = DecodeReport(sentences=len(sentences))
    predictions = decode(model, sentences, batch_size, flat, on_batch, report)
    report.triplets = sum(map(len, predictions))
    report.count_cut(sentences, model.encode(sentences))
    return predictions, report


@torch.no_grad()
def decode(
    model: ScoringModel,
    sentences: Sequence[Sentence],
    batch_size: int = 64,
    flat: bool = True,
    on_batch=None,
    report: DecodeReport | None = None,
) -> list[list[ScoredSpan]]:
    """Predictions per sentence, in input order, with confidences; flat=False keeps overlapping
    candidates (SpanKL's raw output). Words cut off by the piece limit get no prediction. The
    model's train/eval mode is left as it was."""
    was_training = model.net.training
    model.net.eval()
    sources, collate = model.encode(sentences), model.collator()
    out: list[list[ScoredSpan]] = [[] for _ in sentences]
    try:
        for batch_indices in length_batches([s.kept_words for s in sources], batch_size, max_padding=1.0):
            probs = torch.sigmoid(model.logits(collate([SpanExample(sources[k]) for k in batch_indices])).float()).cpu()
            for row, k in enumerate(batch_indices):
                n = sources[k].kept_words
                found = span_candidates(probs[row, :n, : band_width(n, model.config.max_span_width)], model.types, model.config.threshold)
                out[k] = resolve_overlaps(found, report) if flat else sorted(found)
            if on_batch is not None:
                on_batch(len(batch_indices))
    finally:
        model.net.train(was_training)
    return out
