"""The teacher's logits for a step (docs/methods.md, "Losses and the teacher"): one pass before training, in
eval mode without gradients, over the step's training sentences. They are plain detached tensors, one (n,
min(W, n), K_old) per sentence, so nothing that happens to the student during the fit can change them."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from gencner.console import progress_bar
from gencner.data.encoded_words import EncodedWords
from gencner.data.sampling import length_batches
from gencner.families.spankl.batching import ScoringModel, SpanExample
from gencner.families.spankl.spans import band_width


@torch.no_grad()
def teacher_logits(
    teacher: ScoringModel, sources: Sequence[EncodedWords], batch_size: int = 64, device: str | torch.device = "cpu"
) -> list[torch.Tensor]:
    """Per sentence, the teacher's logits over its cells (zero elsewhere) and all the teacher's
    columns, in input order, kept on `device` (CPU by default: a step's worth can exceed accelerator
    memory). The sources are the student's (SpanExample.source): both share tokenizer and piece limit."""
    if teacher.net.training:
        raise ValueError("the teacher must be in eval mode (SpanKLModel.frozen_copy): dropout would make its targets random")
    collate = teacher.collator()
    out: list[torch.Tensor | None] = [None] * len(sources)
    batches = length_batches([s.kept_words for s in sources], batch_size, max_padding=1.0)
    with progress_bar("SpanKL teacher logits", len(sources)) as advance:
        for batch_indices in batches:
            batch = collate([SpanExample(sources[k]) for k in batch_indices])
            # cells past a sentence's end score its padding: zero them, so the stored logits do not
            # depend on which sentences shared the batch
            logits = teacher.logits(batch).float() * batch["span_mask"][..., None].to(teacher.device)
            for row, k in enumerate(batch_indices):
                n = sources[k].kept_words
                out[k] = logits[row, :n, : band_width(n, teacher.config.max_span_width)].detach().to(device).clone()
            advance(len(batch_indices))
    return out
