"""The constrained decoding state machine (docs/methods.md, "Constrained decoding"; ours, BARTNER has none).

Phases of a triplet, by the number of indices emitted so far modulo 3:
  phase 0: EOS or a start pointer (a word-start position)
  phase 1: an end pointer at or after the start
  phase 2: one of the model's (seen) types
Unconstrained decoding allows every word-start position, EOS and every type at every step.
The same masks serve incremental decoding and teacher-forced scoring, so the probabilities a decoder
reports are exactly those of a forward pass over the decoded sequence."""

from __future__ import annotations

import torch


def allowed_mask(phase: torch.Tensor, start: torch.Tensor, word_mask: torch.Tensor, n_types: int, constrained: bool) -> torch.Tensor:
    """Boolean (B, L + 1 + n_types) mask of the indices allowed next, in the batch layout.

    phase: (B,) emitted count mod 3; start: (B,) batch index of the current triplet's start pointer
    (used in phase 1); word_mask: (B, L) word-start positions."""
    batch, length = word_mask.shape
    positions = torch.arange(length, device=word_mask.device)
    eos = torch.ones(batch, 1, dtype=torch.bool, device=word_mask.device)
    types = torch.ones(batch, n_types, dtype=torch.bool, device=word_mask.device)
    if not constrained:
        return torch.cat([word_mask, eos, types], dim=1)
    p0, p1, p2 = (phase == 0)[:, None], (phase == 1)[:, None], (phase == 2)[:, None]
    pointer_ok = word_mask & (p0 | (p1 & (positions[None, :] >= start[:, None])))
    if n_types == 0:  # a triplet could never be finished: only EOS
        pointer_ok = torch.zeros_like(pointer_ok)
    return torch.cat([pointer_ok, eos & p0, types & p2], dim=1)


def sequence_masks(indices: torch.Tensor, word_mask: torch.Tensor, n_types: int, constrained: bool) -> torch.Tensor:
    """Masks (B, T, V) for every step of batch-layout sequences `indices` (B, T) (teacher forcing)."""
    batch, steps = indices.shape
    t = torch.arange(steps, device=indices.device)
    phase = (t % 3)[None, :].expand(batch, steps)
    previous = torch.cat([indices.new_zeros(batch, 1), indices[:, :-1]], dim=1)
    masks = [allowed_mask(phase[:, i], previous[:, i], word_mask, n_types, constrained) for i in range(steps)]
    return torch.stack(masks, dim=1)
