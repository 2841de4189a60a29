"""Examples → tensors. An example is a sentence with its target spans in target order; the first
`n_pseudo` of them are the teacher's pseudo triplets (the positions where distillation applies)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import torch

from gencner.data.encoding import EncodedSource, OutputSpace, SourceEncoder, target_indices
from gencner.data.schema import Sentence, Span

IGNORE = -100


@dataclass(frozen=True)
class Example:
    sentence: Sentence
    targets: tuple[Span, ...] = ()
    n_pseudo: int = 0


@dataclass(frozen=True)
class EncodedExample:
    position: int  # index into the example list (to map predictions back)
    source: EncodedSource
    target: tuple[int, ...]  # canonical indices, EOS last
    n_pseudo_tokens: int  # leading target tokens that come from pseudo triplets
    gold: tuple[Span, ...] = ()  # the sentence's gold spans (for scoring; untruncated)


@dataclass
class TruncationReport:
    """Sentences longer than the model's source length are cut at a word boundary; their lost words
    and entities are counted here (lost gold still counts as missed in evaluation)."""

    sentences: int = 0
    words: int = 0
    target_entities: int = 0
    examples: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"sentences": self.sentences, "words": self.words, "target_entities": self.target_entities, "examples": self.examples[:5]}



def encode_examples(
    examples: Sequence[Example], encoder: SourceEncoder, space: OutputSpace, type_ids: dict[str, int]
) -> tuple[list[EncodedExample], TruncationReport]:
    sources = encoder.encode_many([e.sentence for e in examples])
    report = TruncationReport()
    out = []
    for pos, (example, source) in enumerate(zip(examples, sources)):
        target, lost = target_indices(example.targets, source, space, type_ids)
        lost_pseudo = sum(1 for s in example.targets[: example.n_pseudo] if s.end > source.kept_words)
        if source.truncated:
            report.sentences += 1
            report.words += source.n_words - source.kept_words
            report.target_entities += lost
            report.examples.append(example.sentence.origin)
        n_pseudo_tokens = 3 * (example.n_pseudo - lost_pseudo)
        out.append(EncodedExample(pos, source, tuple(target), n_pseudo_tokens, example.sentence.spans))
    return out, report


class Collator:
    """Pads a list of EncodedExamples into the tensors PointerBart takes."""

    def __init__(self, pad_id: int, space: OutputSpace):
        self.pad_id = pad_id
        self.space = space

    def __call__(self, items: Sequence[EncodedExample]) -> dict:
        batch = len(items)
        length = max(len(it.source.ids) for it in items)
        steps = max(len(it.target) for it in items)
        src_ids = torch.full((batch, length), self.pad_id, dtype=torch.long)
        word_mask = torch.zeros(batch, length, dtype=torch.bool)
        targets = torch.full((batch, steps), IGNORE, dtype=torch.long)
        kd_mask = torch.zeros(batch, steps, dtype=torch.bool)
        for row, it in enumerate(items):
            src_ids[row, : len(it.source.ids)] = torch.tensor(it.source.ids)
            word_mask[row, list(it.source.word_starts)] = True
            targets[row, : len(it.target)] = torch.tensor([self.space.to_batch(i, length) for i in it.target])
            kd_mask[row, : it.n_pseudo_tokens] = True
        return {
            "src_ids": src_ids,
            "src_mask": (src_ids != self.pad_id).long(),
            "word_mask": word_mask,
            "targets": targets,
            "kd_mask": kd_mask,
            "positions": torch.tensor([it.position for it in items], dtype=torch.long),
            # Python objects ride along (Lightning moves only the tensors): what decoding needs to map
            # indices back to words, and the gold spans to score against.
            "sources": [it.source for it in items],
            "gold": [it.gold for it in items],
        }


def to_device(batch: dict, device) -> dict:
    """Move the tensors of a collated batch; the Python objects riding along stay as they are."""
    return {k: v.to(device, non_blocking=True) if torch.is_tensor(v) else v for k, v in batch.items()}
