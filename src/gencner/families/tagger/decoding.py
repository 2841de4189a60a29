"""Decoding tag logits into entities; the output is flat and BIO-valid by construction.

Per word, each group's softmax gives tag probabilities (layout.py). Then:
  - extend layout, viterbi=True: the most probable tag sequence among the BIO-valid ones,
        argmax over y of Σ_k log p_k(y_k), y_1 not an I, and an I of type e only after B or I of e
    (a Viterbi pass over that transition mask). The reference meant this but its decoder adds the
    start scores where the transition scores belong, so it reduces to the per-token argmax below.
  - extend layout, viterbi=False: the per-token argmax, merged as one head by the rule below (an I
    that continues no entity of its type becomes O, as the reference's entity extraction drops it).
  - add layout: each head's per-token argmax, merged by AddNER's rule, word by word: an I continuing
    the previous word's entity (its B or I of the same type) is kept, the first such head in learning
    order; otherwise the B with the highest probability, ties going to the later head (the reference
    sorts the B's by probability, stably, and takes the last); otherwise O.
An entity's confidence is the lowest probability among its words' decoded tags."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import torch

from gencner.data.predictions import DecodeReport, ScoredSpan
from gencner.data.schema import Sentence
from gencner.data.tags import tags_to_spans
from gencner.families.tagger.config import EXTEND
from gencner.families.tagger.layout import Group
from gencner.families.tagger.teacher import forward_batches


class Tag(NamedTuple):
    prefix: str  # O, B or I
    type: int | None  # the type's index in learning order
    prob: float


def viterbi(log_probs: torch.Tensor, allowed: torch.Tensor, start: torch.Tensor) -> list[int]:
    """The index sequence maximising Σ_k log_probs[k, y_k] with allowed[y_k, y_k+1] and start[y_1]
    (ties: the lowest index); log_probs is (n, C), n ≥ 1."""
    blocked = torch.where(allowed, 0.0, float("-inf"))
    score = log_probs[0] + torch.where(start, 0.0, float("-inf"))
    back = []
    for k in range(1, log_probs.size(0)):
        score, best_previous = (score[:, None] + blocked).max(dim=0)
        score = score + log_probs[k]
        back.append(best_previous)
    path = [int(score.argmax())]
    for best_previous in reversed(back):
        path.append(int(best_previous[path[-1]]))
    return path[::-1]


def merge(heads: Sequence[Sequence[Tag]]) -> list[Tag]:
    """AddNER's merge of per-head tags (each head: one Tag per word) into one BIO-valid sequence."""
    out: list[Tag] = []
    for candidates in zip(*heads):
        previous = out[-1] if out else Tag("O", None, 0.0)
        continuing = [c for c in candidates if c.prefix == "I" and previous.prefix != "O" and c.type == previous.type]
        if continuing:
            out.append(continuing[0])
            continue
        chosen = Tag("O", None, 0.0)  # an O's probability is never read: confidences are entities'
        for c in candidates:
            if c.prefix == "B" and (chosen.prefix != "B" or c.prob >= chosen.prob):
                chosen = c
        out.append(chosen)
    return out


def _argmax_tags(probs: torch.Tensor, group: Group) -> list[Tag]:
    best, index = probs.max(dim=-1)
    return [Tag(*group.tag(int(i)), float(p)) for p, i in zip(best, index)]


def decode_words(logits: torch.Tensor, groups: Sequence[Group], types: Sequence[str], layout: str, use_viterbi: bool) -> list[ScoredSpan]:
    """One sentence's entities from its (n, C) logits."""
    if logits.size(0) == 0:
        return []
    probs = [logits[:, g.columns.start : g.columns.stop].float().softmax(dim=-1) for g in groups]
    if layout == EXTEND and use_viterbi:
        (group,), (p,) = groups, probs
        path = viterbi(p.log(), *group.transitions())
        tags = [Tag(*group.tag(i), float(p[k, i])) for k, i in enumerate(path)]
    else:
        tags = merge([_argmax_tags(p, g) for p, g in zip(probs, groups)])
    names = ["O" if t.prefix == "O" else f"{t.prefix}-{types[t.type]}" for t in tags]
    return [ScoredSpan(span, min(t.prob for t in tags[span.start : span.end])) for span in tags_to_spans(names, "bio")]


@torch.no_grad()
def decode(model, sentences: Sequence[Sentence], batch_size: int = 64, on_batch=None) -> list[list[ScoredSpan]]:
    """Entities per sentence, in input order; words cut off by the piece limit get none. The model's
    train/eval mode is left as it was."""
    was_training = model.net.training
    model.net.eval()
    sources = model.encode(sentences)
    groups, layout = model.groups, model.config.layout
    out: list[list[ScoredSpan]] = [[] for _ in sentences]
    try:
        for indices, logits in forward_batches(model, sources, batch_size):
            logits = logits.cpu()
            for row, k in enumerate(indices):
                out[k] = decode_words(logits[row, : sources[k].kept_words], groups, model.types, layout, model.config.viterbi)
            if on_batch is not None:
                on_batch(len(indices))
    finally:
        model.net.train(was_training)
    return out


def decode_with_report(model, sentences: Sequence[Sentence], batch_size: int, on_batch=None) -> tuple[list[list[ScoredSpan]], DecodeReport]:
    predictions = decode(model, sentences, batch_size, on_batch)
    report = DecodeReport(sentences=len(sentences), triplets=sum(map(len, predictions)))
    report.count_cut(sentences, model.encode(sentences))
    return predictions, report
