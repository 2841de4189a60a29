"""Greedy decoding reads completion on the host every few steps and drops finished rows from the batch
(removed host syncs): neither changes an output. And decoding batches are cut where they would be mostly padding."""

from __future__ import annotations

import random

import pytest
import torch

from gencner.data.sampling import MAX_PADDING, length_batches
from gencner.families.pointer import decoding
from gencner.families.pointer.decoding import greedy_decode, max_lengths

WORDS = [
    ["John", "Smith", "visited", "New", "York", "City", "on", "Monday", "."],
    ["Berlin"],
    ["the", "cat", "sat"],
    ["Maria", "Garcia", "works", "for", "Acme", "Corp", "since", "1999", "."],
    ["a"] * 14,
    ["Paris", "last", "year"],
    ["On", "12", "March", ",", "Microsoft", "opened", "an", "office"],
    ["Lee"],
]


def decode(model, batch, constrained):
    limits = max_lengths(batch["src_mask"], 10, 0.8)
    return greedy_decode(model.net, batch["src_ids"], batch["src_mask"], batch["word_mask"], model.start_id, limits, constrained)


@pytest.mark.parametrize("constrained", [True, False], ids=["constrained", "unconstrained"])
@pytest.mark.parametrize("seed", [2, 3, 4])
def test_dropping_finished_rows_and_reading_completion_every_few_steps_change_no_output(
    make_model, collate, monkeypatch, seed, constrained
):
    model = make_model(seed, ("ORG", "PER", "LOC", "DATE"))
    with torch.no_grad():  # EOS wins now and then (test_decoding.py's `lively`): rows finish at different steps
        model.net.embed_tokens.weight[model.tokenizer.eos_token_id] = 0.0
    batch = collate(model, WORDS)
    monkeypatch.setattr(decoding, "CHECK_EVERY", 1)
    monkeypatch.setattr(decoding, "DROP_SHARE", 1.0)  # never drop: the loop as it was before finished rows were dropped
    before = decode(model, batch, constrained)
    lengths = (before.indices >= 0).sum(dim=1)
    assert lengths.min() < lengths.max()  # some rows finish early: dropping them is exercised
    for every, share in ((3, 0.0), (3, decoding.DROP_SHARE), (2, 0.0)):
        monkeypatch.setattr(decoding, "CHECK_EVERY", every)
        monkeypatch.setattr(decoding, "DROP_SHARE", share)
        after = decode(model, batch, constrained)
        assert torch.equal(after.indices, before.indices)
        assert torch.allclose(after.probs, before.probs, atol=1e-6, rtol=0)
        assert torch.equal(after.finished, before.finished)


def test_decoding_batches_cover_everything_once_and_stop_before_they_are_mostly_padding():
    rng = random.Random(4)
    lengths = [max(3, int(rng.lognormvariate(0, 0.45) * 40)) for _ in range(700)]
    for size in (1, 8, 256):
        batches = length_batches(lengths, size)
        assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
        assert all(1 <= len(b) <= size for b in batches)
        for b in batches:
            padded = max(lengths[i] for i in b) * len(b)
            assert len(b) == 1 or 1 - sum(lengths[i] for i in b) / padded <= MAX_PADDING
    # sorting alone (the old batching) pads the long tail's batch far more
    ordered = sorted(lengths)
    tail = ordered[512:]
    assert 1 - sum(tail) / (max(tail) * len(tail)) > 2 * MAX_PADDING
