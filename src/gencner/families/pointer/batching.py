"""Examples → tensors: encoded sources, pointer targets in the batch layout, distillation masks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import torch

from gencner.data.schema import Span
from gencner.data.targets import Example
from gencner.families.pointer.encoding import EncodedSource, OutputSpace, SourceEncoder, target_indices

IGNORE = -100


@dataclass(frozen=True)
class EncodedExample:
    position: int  # index into the example list (to map predictions back)
    source: EncodedSource
    target: tuple[int, ...]  # canonical indices, EOS last
    kd_tokens: tuple[bool, ...]  # per target index: it belongs to a pseudo triplet
    gold: tuple[Span, ...] = ()  # the sentence's gold spans (for scoring; untruncated)
    ce_tokens: tuple[bool, ...] = ()  # per target index: cross-entropy applies (empty = everywhere)
    teacher_target: tuple[int, ...] = ()  # Example.teacher's indices, no EOS (the teacher-pass sequence)


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
        if source.truncated:
            report.sentences += 1
            report.words += source.n_words - source.kept_words
            report.target_entities += lost
            report.examples.append(example.sentence.origin)
        ce = token_flags(example.targets, example.hard, source, default=True, eos=True)
        replay = ()
        if example.teacher:
            indices, _ = target_indices(example.teacher, source, space, type_ids)
            replay = tuple(indices[:-1])  # its EOS would contradict the new gold that follows in the target
            # truncated teacher triplets that the target does not hold (those are counted above)
            report.target_entities += sum(s.end > source.kept_words for s in set(example.teacher) - set(example.targets))
        out.append(EncodedExample(pos, source, tuple(target), kd_flags(example, source), example.sentence.spans, ce, replay))
    return out, report


def kd_flags(example: Example, source: EncodedSource) -> tuple[bool, ...]:
    """One flag per target index (three per pseudo triplet, then EOS=False), matching target_indices."""
    return token_flags(example.targets, example.pseudo, source, default=False, eos=False)


def token_flags(targets: Sequence[Span], flags: Sequence[bool], source: EncodedSource, default: bool, eos: bool) -> tuple[bool, ...]:
    """A per-span flag spread over the span's three target indices (spans cut by truncation have none,
    as in target_indices), then the EOS flag; no flags given = `default` for every span."""
    flags = flags or (default,) * len(targets)
    out: list[bool] = []
    for span, flag in zip(targets, flags):
        if span.end <= source.kept_words:
            out += [flag] * 3
    return tuple(out) + (eos,)


class Collator:
    """Pads a list of EncodedExamples into the tensors PointerNetwork takes."""

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
        ce_mask = torch.zeros(batch, steps, dtype=torch.bool)
        for row, it in enumerate(items):
            src_ids[row, : len(it.source.ids)] = torch.tensor(it.source.ids)
            word_mask[row, list(it.source.word_starts)] = True
            targets[row, : len(it.target)] = torch.tensor([self.space.to_batch(i, length) for i in it.target])
            kd_mask[row, : len(it.kd_tokens)] = torch.tensor(it.kd_tokens)
            ce_mask[row, : len(it.target)] = torch.tensor(it.ce_tokens) if it.ce_tokens else True
        replay = {"teacher_targets": self._teacher_targets(items, length)} if any(it.teacher_target for it in items) else {}
        return {
            **replay,  # only in the batches of a teacher-pass step that hold a teacher triplet
            "src_ids": src_ids,
            "src_mask": (src_ids != self.pad_id).long(),
            "word_mask": word_mask,
            "targets": targets,
            "kd_mask": kd_mask,
            "ce_mask": ce_mask,  # False at padding and at the indices of soft (distill-only) triplets
            "positions": torch.tensor([it.position for it in items], dtype=torch.long),
            # Python objects ride along (Lightning moves only the tensors): what decoding needs to map
            # indices back to words, and the gold spans to score against.
            "sources": [it.source for it in items],
            "gold": [it.gold for it in items],
        }

    def _teacher_targets(self, items: Sequence[EncodedExample], length: int) -> torch.Tensor:
        out = torch.full((len(items), max(len(it.teacher_target) for it in items)), IGNORE, dtype=torch.long)
        for row, it in enumerate(items):
            out[row, : len(it.teacher_target)] = torch.tensor([self.space.to_batch(i, length) for i in it.teacher_target], dtype=torch.long)
        return out


def to_device(batch: dict, device) -> dict:
    """Move the tensors of a collated batch; the Python objects riding along stay as they are."""
    return {k: v.to(device, non_blocking=True) if torch.is_tensor(v) else v for k, v in batch.items()}
