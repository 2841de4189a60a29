"""Constrained beam search with the KV cache (model.beam_size > 1; greedy is the default).

Hypotheses are ranked by the sum of their indices' log-probabilities under the constrained distribution;
finished ones (EOS emitted) are compared by that sum divided by their length (length penalty 1, as
BARTNER's beam search), so longer outputs are not punished for having more entities. The probability
reported for each index is the one its hypothesis had when it was emitted: the same quantity greedy
decoding reports, and what a teacher-forced pass over the chosen sequence gives."""

from __future__ import annotations

import torch

from gencner.families.pointer.constraints import allowed_mask
from gencner.families.pointer.decoding import Generated, new_cache
from gencner.families.pointer.network import NEG, PointerNetwork


def _repeat(x: torch.Tensor, k: int) -> torch.Tensor:
    return x.repeat_interleave(k, dim=0)


@torch.no_grad()
def beam_decode(
    net: PointerNetwork, src_ids, src_mask, word_mask, start_id: int, limits: torch.Tensor, beam: int, constrained: bool = True
) -> Generated:
    batch, length = src_ids.shape
    device = src_ids.device
    states, keys = net.encode(src_ids, src_mask)
    states, keys, mask, words, ids = (_repeat(x, beam) for x in (states, keys, src_mask, word_mask, src_ids))
    limit = _repeat(limits, beam)
    cache = new_cache(net)
    rows = batch * beam
    tokens = torch.zeros(rows, 0, dtype=torch.long, device=device)
    probs = torch.zeros(rows, 0, device=device)
    score = torch.zeros(rows, device=device).view(batch, beam)
    score[:, 1:] = NEG  # all beams start identical: expand only the first
    score = score.view(-1)
    done = torch.zeros(rows, dtype=torch.bool, device=device)
    start = torch.zeros(rows, dtype=torch.long, device=device)
    step_input = torch.full((rows, 1), start_id, dtype=torch.long, device=device)
    eos = length
    for t in range(int(limits.max().item()) if batch else 0):
        logits = net.scores(net.decode(step_input, states, mask, cache=cache), keys, words)[:, -1]
        phase = torch.full_like(start, t % 3)
        logp = logits.masked_fill(~allowed_mask(phase, start, words, net.n_types, constrained), NEG).log_softmax(-1)
        frozen = done | (t >= limit)  # finished or out of length: carried over unchanged
        logp = torch.where(frozen[:, None], torch.full_like(logp, NEG), logp)
        logp[:, eos] = torch.where(frozen, torch.zeros_like(score), logp[:, eos])
        total = (score[:, None] + logp).view(batch, -1)
        best, flat = total.topk(beam, dim=-1)
        origin = (flat // logp.size(1) + torch.arange(batch, device=device)[:, None] * beam).view(-1)
        index = (flat % logp.size(1)).view(-1)
        was_frozen = frozen[origin]
        chosen_p = logp[origin, index].exp()
        tokens = torch.cat([tokens[origin], torch.where(was_frozen, torch.full_like(index, -1), index)[:, None]], dim=1)
        probs = torch.cat([probs[origin], torch.where(was_frozen, torch.zeros_like(chosen_p), chosen_p)[:, None]], dim=1)
        score, start = best.view(-1), start[origin]
        done = done[origin] | (~was_frozen & (index == eos))
        start = torch.where((t % 3 == 0) & ~was_frozen, index, start)
        cache.reorder_cache(origin)
        if bool((done | (t + 1 >= limit)).all()):
            break
        step_input = net.index_tokens(torch.where(was_frozen | done, torch.full_like(index, eos), index)[:, None], ids)
    return _best(tokens, probs, score, done, batch, beam)


def _best(tokens, probs, score, done, batch: int, beam: int) -> Generated:
    lengths = (tokens >= 0).sum(dim=1).clamp(min=1).float()
    ranked = torch.where(done, score / lengths, score / lengths - 1e6)  # finished hypotheses first
    pick = ranked.view(batch, beam).argmax(dim=1) + torch.arange(batch, device=tokens.device) * beam
    return Generated(tokens[pick], probs[pick], done[pick])
