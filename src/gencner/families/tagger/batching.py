"""A step's training examples and their batches.

Which gold a sentence's tags hold is the span family's rule (spankl/batching.py gold_cells): gold of
the step's label types is tagged; a learned type outside them is O (counted in TargetReport.other_types,
as the reference sets other tasks' tags to O); a type the model has not learned is an error; an
entity reaching past the words that fit the piece limit is counted and left O. A tagger has no width
limit, so `too_wide` stays 0. Overlapping gold cannot be written as BIO tags: it is an error (a flat
dataset has none: its reader repairs overlaps)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from gencner.data.encoded_words import EncodedWords
from gencner.data.schema import Sentence
from gencner.errors import GencnerError
from gencner.families.spankl.batching import SpanCollator, SpanExample, TargetReport, gold_cells
from gencner.families.tagger.layout import IGNORE, global_tag


@dataclass(frozen=True)
class TagExample:
    """One training sentence: its BERT input, the global tag of each kept word (layout.py), and the
    teacher's logits (n, C_old) when the step distils."""

    source: EncodedWords
    tags: tuple[int, ...] = ()
    teacher: torch.Tensor | None = None


def gold_tags(
    sentence: Sentence, source: EncodedWords, columns: dict[str, int], gold_types: set[str], report: TargetReport
) -> tuple[int, ...]:
    """The global tags of `sentence`'s kept words: its gold of `gold_types` in BIO, O elsewhere."""
    no_width_limit = max(1, source.n_words)
    tags = [0] * source.kept_words
    for start, width, type_index in sorted(gold_cells(sentence, source, columns, gold_types, no_width_limit, report)):
        if any(tags[start : start + width + 1]):
            raise GencnerError(
                f"sentence {sentence.origin or sentence.idx}: gold entities overlap at words {start}..{start + width}; "
                "a BIO tagger needs flat gold (dataset.flat=true repairs overlaps while reading)"
            )
        tags[start : start + width + 1] = [global_tag(type_index, False)] + [global_tag(type_index, True)] * width
    return tuple(tags)


@dataclass(frozen=True)
class TagCollator:
    """Examples → a batch: input_ids, attention_mask (B, P), word_starts (B, L) and lengths (B,) as the
    span family batches them; tags (B, L), IGNORE past each sentence; teacher (B, L, C_old), zero past
    each sentence, when the examples carry teacher logits."""

    pad_id: int

    def __call__(self, examples: Sequence[TagExample]) -> dict[str, torch.Tensor]:
        pieces = SpanCollator(self.pad_id, max_span_width=1, n_columns=0)([SpanExample(e.source) for e in examples])
        batch = {key: pieces[key] for key in ("input_ids", "attention_mask", "word_starts", "lengths")}
        n_words = batch["word_starts"].size(1)
        tags = torch.full((len(examples), n_words), IGNORE, dtype=torch.long)
        for b, example in enumerate(examples):
            tags[b, : len(example.tags)] = torch.tensor(example.tags, dtype=torch.long)
        batch["tags"] = tags
        teachers = [e.teacher for e in examples]
        if any(t is not None for t in teachers):
            if any(t is None for t in teachers):
                raise ValueError("a batch mixes examples with and without teacher logits")
            batch["teacher"] = torch.zeros(len(examples), n_words, teachers[0].size(-1), dtype=teachers[0].dtype)
            for b, logits in enumerate(teachers):
                batch["teacher"][b, : logits.size(0)] = logits
        return batch
