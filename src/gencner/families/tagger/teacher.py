"""The teacher's tag logits for a step: one pass before training, in eval mode without gradients, over
the step's training sentences; plain detached tensors, one (n, C_old) per sentence, that nothing done
to the student during the fit can change."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import torch

from gencner.console import progress_bar
from gencner.data.encoded_words import EncodedWords
from gencner.data.sampling import length_batches
from gencner.families.tagger.batching import TagExample


def forward_batches(model, sources: Sequence[EncodedWords], batch_size: int) -> Iterator[tuple[list[int], torch.Tensor]]:
    """(indices, (B, L, C) logits) per batch of sources of similar length; every source once."""
    collate = model.collator()
    for indices in length_batches([s.kept_words for s in sources], batch_size, max_padding=1.0):
        yield indices, model.logits(collate([TagExample(sources[k]) for k in indices])).float()


@torch.no_grad()
def teacher_logits(
    teacher, sources: Sequence[EncodedWords], batch_size: int = 64, device: str | torch.device = "cpu"
) -> list[torch.Tensor]:
    """Per sentence, the teacher's logits over its kept words and all the teacher's columns, in input
    order, kept on `device` (CPU by default: a step's worth can exceed accelerator memory)."""
    if teacher.net.training:
        raise ValueError("the teacher must be in eval mode (frozen_copy): dropout would make its targets random")
    out: list[torch.Tensor | None] = [None] * len(sources)
    with progress_bar("tagger teacher logits", len(sources)) as advance:
        for indices, logits in forward_batches(teacher, sources, batch_size):
            for row, k in enumerate(indices):
                out[k] = logits[row, : sources[k].kept_words].detach().to(device).clone()
            advance(len(indices))
    return out
