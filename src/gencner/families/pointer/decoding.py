"""Batched greedy or beam decoding with the BART decoder's KV cache, under the constraints of
constraints.py. Every emitted index comes with its probability under the constrained, renormalised
distribution; a triplet's confidence is the minimum of its three."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from transformers.cache_utils import DynamicCache, EncoderDecoderCache

from gencner.families.pointer.constraints import allowed_mask, sequence_masks
from gencner.families.pointer.network import NEG, PointerNetwork


@dataclass
class Generated:
    indices: torch.Tensor  # (B, T) batch layout; -1 after a row finished
    probs: torch.Tensor  # (B, T)
    finished: torch.Tensor  # (B,) emitted EOS within its length limit


def max_lengths(src_mask: torch.Tensor, base: int, ratio: float) -> torch.Tensor:
    """At most (docs/methods.md, "Constrained decoding") base + ratio · (source length in pieces, <s> and </s> included) indices."""
    return (base + ratio * src_mask.sum(dim=1).float()).floor().long()


def new_cache(net: PointerNetwork) -> EncoderDecoderCache:
    config = net.backbone.config
    return EncoderDecoderCache(DynamicCache(config=config), DynamicCache(config=config))


# Completion is read on the host every CHECK_EVERY steps (one triplet), not after every step: each read
# waits for the GPU to finish the step, so the CPU could not queue the next step's kernels meanwhile.
CHECK_EVERY = 3
# At a check, finished rows leave the batch (their states and cache entries are dropped) once they are
# this share of it: otherwise every row of a large batch is decoded until the slowest one finishes.
DROP_SHARE = 0.25


def phase_blocks(word_mask: torch.Tensor, n_types: int, constrained: bool) -> dict[int, torch.Tensor]:
    """What phases 0 and 2 forbid: the same at every step (phase 1 depends on the start pointer)."""
    zeros = torch.zeros(word_mask.size(0), dtype=torch.long, device=word_mask.device)
    return {p: ~allowed_mask(zeros + p, zeros, word_mask, n_types, constrained) for p in (0, 2)}


def _best_next(net: PointerNetwork, step_input, live: dict, cache, blocked: dict, t: int, constrained: bool):
    """(probability, index) of the most probable allowed next index of every live row."""
    hidden = net.decode(step_input, live["states"], live["src_mask"], cache=cache)
    logits = net.scores(hidden, live["keys"], live["word_mask"])[:, -1]
    if t % 3 == 1:
        start = live["start"]
        block = ~allowed_mask(torch.ones_like(start), start, live["word_mask"], net.n_types, constrained)
    else:
        block = blocked[t % 3]
    return logits.masked_fill(block, NEG).softmax(dim=-1).max(dim=-1)


@torch.no_grad()
def greedy_decode(
    net: PointerNetwork,
    src_ids: torch.Tensor,
    src_mask: torch.Tensor,
    word_mask: torch.Tensor,
    start_id: int,
    limits: torch.Tensor,
    constrained: bool = True,
) -> Generated:
    batch, length = src_ids.shape
    device = src_ids.device
    steps = int(limits.max().item()) if batch else 0  # the one host read before decoding
    indices = torch.full((batch, steps), -1, dtype=torch.long, device=device)
    probs = torch.zeros(batch, steps, device=device)
    finished = torch.zeros(batch, dtype=torch.bool, device=device)
    states, keys = net.encode(src_ids, src_mask)
    # the rows still in the batch: their position in the output and their inputs and state
    live = {
        "row": torch.arange(batch, device=device),
        "src_ids": src_ids,
        "src_mask": src_mask,
        "word_mask": word_mask,
        "states": states,
        "keys": keys,
        "limit": limits,
        "start": torch.zeros_like(limits),
        "done": torch.zeros(batch, dtype=torch.bool, device=device),
    }
    cache = new_cache(net)
    blocked = phase_blocks(word_mask, net.n_types, constrained)
    eos = length  # EOS's batch-layout index
    step_input = torch.full((batch, 1), start_id, dtype=torch.long, device=device)
    for t in range(steps):
        best_p, best = _best_next(net, step_input, live, cache, blocked, t, constrained)
        active = ~live["done"] & (t < live["limit"])
        best = torch.where(active, best, torch.full_like(best, -1))
        indices[live["row"], t] = best
        probs[live["row"], t] = torch.where(active, best_p, torch.zeros_like(best_p))
        finished[live["row"]] |= active & (best == eos)
        live["done"] = live["done"] | ~active | (best == eos)
        if t % 3 == 0:
            live["start"] = best.clamp(min=0)
        if (t + 1) % CHECK_EVERY == 0 and t + 1 < steps:
            left = (~live["done"]).nonzero().squeeze(1)  # a host read
            if left.numel() == 0:
                break
            if left.numel() <= (1 - DROP_SHARE) * live["done"].numel():
                live = {name: value[left] for name, value in live.items()}
                cache.batch_select_indices(left)
                blocked = phase_blocks(live["word_mask"], net.n_types, constrained)
                best = best[left]
        step_input = net.index_tokens(best[:, None], live["src_ids"])
    # up to CHECK_EVERY - 1 steps may have run after the last row finished: their columns are empty
    width = int((indices >= 0).sum(dim=1).max()) if indices.numel() else 0
    return Generated(indices[:, :width], probs[:, :width], finished)


@torch.no_grad()
def sequence_probabilities(
    net: PointerNetwork,
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
