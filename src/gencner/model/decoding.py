"""Batched greedy or beam decoding with the BART decoder's KV cache, under the constraints of
constraints.py. Every emitted index comes with its probability under the constrained, renormalised
distribution; a triplet's confidence is the minimum of its three."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from transformers.cache_utils import DynamicCache, EncoderDecoderCache

from gencner.model.constraints import allowed_mask, sequence_masks
from gencner.model.pointer import NEG, PointerBart


@dataclass
class Generated:
    indices: torch.Tensor  # (B, T) batch layout; -1 after a row finished
    probs: torch.Tensor  # (B, T)
    finished: torch.Tensor  # (B,) emitted EOS within its length limit


def max_lengths(src_mask: torch.Tensor, base: int, ratio: float) -> torch.Tensor:
    """Protocol §4: at most base + ratio · (source length in pieces, <s> and </s> included) indices."""
    return (base + ratio * src_mask.sum(dim=1).float()).floor().long()


def new_cache(net: PointerBart) -> EncoderDecoderCache:
    config = net.bart.config
    return EncoderDecoderCache(DynamicCache(config=config), DynamicCache(config=config))


@torch.no_grad()
def greedy_decode(
    net: PointerBart,
    src_ids: torch.Tensor,
    src_mask: torch.Tensor,
    word_mask: torch.Tensor,
    start_id: int,
    limits: torch.Tensor,
    constrained: bool = True,
) -> Generated:
    batch, length = src_ids.shape
    states, keys = net.encode(src_ids, src_mask)
    cache = new_cache(net)
    eos = length  # EOS's batch-layout index
    step_input = torch.full((batch, 1), start_id, dtype=torch.long, device=src_ids.device)
    done = torch.zeros(batch, dtype=torch.bool, device=src_ids.device)
    finished = torch.zeros_like(done)
    start = torch.zeros(batch, dtype=torch.long, device=src_ids.device)
    out_idx, out_prob = [], []
    for t in range(int(limits.max().item()) if batch else 0):
        hidden = net.decode(step_input, states, src_mask, cache=cache)
        logits = net.scores(hidden, keys, word_mask)[:, -1]
        phase = torch.full_like(start, t % 3)
        logits = logits.masked_fill(~allowed_mask(phase, start, word_mask, net.n_types, constrained), NEG)
        probs = logits.softmax(dim=-1)
        best_p, best = probs.max(dim=-1)
        active = ~done & (t < limits)
        best = torch.where(active, best, torch.full_like(best, -1))
        out_idx.append(best)
        out_prob.append(torch.where(active, best_p, torch.zeros_like(best_p)))
        finished |= active & (best == eos)
        done |= ~active | (best == eos)
        start = torch.where(torch.full_like(start, t % 3) == 0, best.clamp(min=0), start)
        if bool(done.all()):
            break
        step_input = net.index_tokens(best[:, None], src_ids)
    if not out_idx:
        empty = torch.zeros(batch, 0, dtype=torch.long, device=src_ids.device)
        return Generated(empty, empty.float(), finished)
    return Generated(torch.stack(out_idx, 1), torch.stack(out_prob, 1), finished)


@torch.no_grad()
def sequence_probabilities(
    net: PointerBart,
    src_ids: torch.Tensor,
    src_mask: torch.Tensor,
    word_mask: torch.Tensor,
    start_id: int,
    indices: torch.Tensor,
    constrained: bool = True,
) -> torch.Tensor:
    """Teacher-forced probability of each index of `indices` (B, T; -1 = padding) under the same
    constrained distribution the decoder uses."""
    safe = indices.clamp(min=0)
    dec_ids = net.decoder_input_ids(safe, src_ids, start_id)
    logits = net(src_ids, src_mask, word_mask, dec_ids)
    masks = sequence_masks(safe, word_mask, net.n_types, constrained)
    probs = logits.masked_fill(~masks, NEG).softmax(dim=-1)
    return probs.gather(-1, safe[..., None]).squeeze(-1).masked_fill(indices < 0, 0.0)
