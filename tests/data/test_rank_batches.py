"""DDP shares of bucketed and token-budget epochs: every rank the same number of batches, every example
exactly once per epoch across the ranks, batch sizes and budgets kept."""

import random

import pytest
import torch

from gencner.data.sampling import LengthBucketSampler, RankBatches, TokenBudgetSampler
from gencner.errors import GencnerError

_RNG = random.Random(7)
LENGTHS = [_RNG.randint(5, 80) for _ in range(301)]


def shares(make_base, world, epochs=2):
    """Each rank's batches per epoch, every rank with its own sampler from the same seed (as under DDP)."""
    ranks = [RankBatches(make_base(), r, world) for r in range(world)]
    return ranks, [[list(rank) for rank in ranks] for _ in range(epochs)]


@pytest.mark.parametrize("world", [2, 3, 4])
@pytest.mark.parametrize("kind", ["budget", "bucket"])
def test_every_rank_gets_as_many_batches_and_every_example_is_seen_once_per_epoch(kind, world):
    if kind == "budget":
        make = lambda: TokenBudgetSampler(LENGTHS, 400, torch.Generator().manual_seed(3))  # noqa: E731
    else:
        make = lambda: LengthBucketSampler(LENGTHS, 8, torch.Generator().manual_seed(3))  # noqa: E731
    ranks, epochs = shares(make, world)
    for epoch in epochs:
        assert {len(batches) for batches in epoch} == {len(ranks[0])}
        seen = sorted(i for batches in epoch for b in batches for i in b)
        assert seen == list(range(len(LENGTHS)))
        for batches in epoch:
            assert all(b for b in batches)
            if kind == "budget":
                assert all(max(LENGTHS[i] for i in b) * len(b) <= 400 for b in batches)
            else:
                assert all(len(b) <= 8 for b in batches)
    assert epochs[0] != epochs[1]  # epochs are drawn anew


def test_too_few_examples_for_the_ranks_is_a_clear_error():
    with pytest.raises(GencnerError, match="cannot be shared equally by 4 ranks"):
        RankBatches(LengthBucketSampler([5, 6, 7], 1, torch.Generator()), 0, 4)
