"""A step's training examples and their batches (docs/methods.md, "Losses and the teacher").

Gold of a training sentence becomes cells (i, w, column) of its band (spans.py). Which gold is used:
  - a type of `gold_types` (the step's label types): a positive of its column;
  - a learned type outside `gold_types` (another task's type): ignored, as SpanKL ignores other tasks'
    gold (counted in TargetReport.other_types);
  - a type the model has not learned (a future type): rejected with an error. The stream gives a step
    gold only for its label types (docs/protocol.md, "Settings": future types never), so such a span means
    labels leaked into the step; ignoring it would hide that, and there is no column it could train.
A span may carry several types (SpanKL keeps one per span: docs/methods.md,
"Where it differs from its reference"); each is a positive of its column. A gold span wider than
max_span_width, or reaching past the words that fit the piece limit, has no cell: it is counted, not lost
silently."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import torch

from gencner.data.encoded_words import EncodedWords
from gencner.data.schema import Sentence
from gencner.errors import GencnerError
from gencner.families.spankl.config import SpanKLModelConfig
from gencner.families.spankl.spans import band_width, span_cell, span_mask


@dataclass(frozen=True)
class SpanExample:
    """One training sentence: its BERT input, its gold cells (i, w, column), and the teacher's logits
    (n, min(W, n), K_old) when the step distils."""

    source: EncodedWords
    gold: tuple[tuple[int, int, int], ...] = ()
    teacher: torch.Tensor | None = None


@dataclass
class TargetReport:
    """Gold spans per outcome: positives, and those without a cell or column."""

    positives: int = 0
    too_wide: int = 0
    truncated: int = 0
    other_types: int = 0

    def to_dict(self) -> dict:
        return {"positives": self.positives, "too_wide": self.too_wide, "truncated": self.truncated, "other_types": self.other_types}


def gold_cells(
    sentence: Sentence, source: EncodedWords, columns: dict[str, int], gold_types: set[str], max_span_width: int, report: TargetReport
) -> tuple[tuple[int, int, int], ...]:
    """The cells (i, w, column) of `sentence`'s gold of `gold_types`; the rest counted in `report`."""
    cells = []
    for span in sentence.spans:
        if span.type not in columns:
            raise GencnerError(
                f"sentence {sentence.origin or sentence.idx}: gold type {span.type!r} is not learned by the model "
                f"(learned: {', '.join(columns) or 'none'}); a step's training gold must be restricted to its label types"
            )
        if span.type not in gold_types:
            report.other_types += 1
        elif span.end - span.start > max_span_width:
            report.too_wide += 1
        elif span.end > source.kept_words:
            report.truncated += 1
        else:
            cells.append((*span_cell(span.start, span.end), columns[span.type]))
            report.positives += 1
    return tuple(cells)


def attach_teacher(examples: Sequence[SpanExample], teacher_logits: Sequence[torch.Tensor]) -> list[SpanExample]:
    """The examples with the teacher's per-sentence logits (teacher.teacher_logits), in the same order."""
    if len(examples) != len(teacher_logits):
        raise ValueError(f"{len(teacher_logits)} teacher logit tensors for {len(examples)} examples")
    return [replace(example, teacher=logits) for example, logits in zip(examples, teacher_logits)]


@dataclass(frozen=True)
class SpanCollator:
    """Examples → a batch (picklable, for DataLoader workers):
    input_ids, attention_mask (B, P); word_starts (B, L); lengths (B,); span_mask (B, L, W_b);
    targets (B, L, W_b, K) with K = the model's learned columns; teacher (B, L, W_b, K_old) when the
    examples carry teacher logits (zero outside each sentence's cells)."""

    pad_id: int
    max_span_width: int
    n_columns: int

    def __call__(self, examples: Sequence[SpanExample]) -> dict[str, torch.Tensor]:
        n_words = max([1, *(e.source.kept_words for e in examples)])
        width = band_width(n_words, self.max_span_width)
        pieces = max(len(e.source.ids) for e in examples)
        input_ids = torch.full((len(examples), pieces), self.pad_id, dtype=torch.long)
        word_starts = torch.zeros(len(examples), n_words, dtype=torch.long)
        targets = torch.zeros(len(examples), n_words, width, self.n_columns)
        for b, example in enumerate(examples):
            input_ids[b, : len(example.source.ids)] = torch.tensor(example.source.ids)
            word_starts[b, : example.source.kept_words] = torch.tensor(example.source.word_starts, dtype=torch.long)
            for i, w, column in example.gold:
                targets[b, i, w, column] = 1.0
        lengths = torch.tensor([e.source.kept_words for e in examples])
        batch = {
            "input_ids": input_ids,
            "attention_mask": (input_ids != self.pad_id).long(),
            "word_starts": word_starts,
            "lengths": lengths,
            "span_mask": span_mask(lengths, n_words, width),
            "targets": targets,
        }
        if any(e.teacher is not None for e in examples):
            batch["teacher"] = pad_teacher_logits([e.teacher for e in examples], n_words, width)
        return batch


def pad_teacher_logits(logits: Sequence[torch.Tensor | None], n_words: int, width: int) -> torch.Tensor:
    """Per-sentence (n, min(W, n), K_old) tensors → (B, L, W_b, K_old), zero outside each band."""
    if any(t is None for t in logits):
        raise ValueError("a batch mixes examples with and without teacher logits")
    n_old = logits[0].size(-1)
    out = torch.zeros(len(logits), n_words, width, n_old, dtype=logits[0].dtype)
    for b, tensor in enumerate(logits):
        out[b, : tensor.size(0), : tensor.size(1)] = tensor
    return out


class ScoringModel(Protocol):
    """What decoding and the teacher's pass read of a model (model.SpanKLModel is one, and calls decoding
    for its own predict): declared here, so that neither imports the module that delegates to them."""

    net: torch.nn.Module
    config: SpanKLModelConfig

    @property
    def types(self) -> list[str]: ...

    @property
    def device(self) -> torch.device: ...

    def encode(self, sentences: Sequence[Sentence]) -> list[EncodedWords]: ...

    def collator(self) -> SpanCollator: ...

    def logits(self, batch: dict[str, torch.Tensor]) -> torch.Tensor: ...
