"""Length-bucketed and token-budget batches: every example once per epoch, reproducible, less padding."""

import random

import torch

from gencner.data.sampling import LengthBucketSampler, TokenBudgetSampler, length_batches

_RNG = random.Random(3)
LENGTHS = [_RNG.randint(5, 80) for _ in range(997)]


def padded(batches):
    return sum(max(LENGTHS[i] for i in b) * len(b) for b in batches)


def test_bucketed_batches_cover_every_example_once_and_pad_less_than_random_ones():
    batches = list(LengthBucketSampler(LENGTHS, 8, torch.Generator().manual_seed(0)))
    assert sorted(i for b in batches for i in b) == list(range(len(LENGTHS)))
    assert all(len(b) <= 8 for b in batches) and len(batches) == len(LengthBucketSampler(LENGTHS, 8, torch.Generator()))
    order = list(range(len(LENGTHS)))
    random.Random(0).shuffle(order)
    unsorted = [order[i : i + 8] for i in range(0, len(order), 8)]
    assert padded(batches) < 0.8 * padded(unsorted)


def test_token_budget_batches_stay_within_the_budget_and_cover_everything():
    sampler = TokenBudgetSampler(LENGTHS, 400, torch.Generator().manual_seed(0))
    batches = list(sampler)
    assert sorted(i for b in batches for i in b) == list(range(len(LENGTHS)))
    assert all(max(LENGTHS[i] for i in b) * len(b) <= 400 for b in batches)
    assert len(batches) == len(sampler)
    sizes = {len(b) for b in batches}
    assert max(sizes) > 2 * min(sizes)  # short sentences travel in larger batches


def test_the_same_seed_gives_the_same_epochs_and_epochs_differ():
    a = LengthBucketSampler(LENGTHS, 8, torch.Generator().manual_seed(5))
    b = LengthBucketSampler(LENGTHS, 8, torch.Generator().manual_seed(5))
    first_a, first_b = list(a), list(b)
    assert first_a == first_b
    assert list(a) != first_a  # the next epoch is shuffled anew


def test_token_budget_length_is_exact_every_epoch():
    rng = random.Random(9)
    lengths = [rng.randint(5, 120) for _ in range(10_000)]  # more than one bucket's worth
    sampler = TokenBudgetSampler(lengths, 2048, torch.Generator().manual_seed(1))
    for _ in range(3):
        batches = list(sampler)
        assert len(batches) == len(sampler)
        assert sorted(i for b in batches for i in b) == list(range(len(lengths)))


def test_without_a_padding_limit_decoding_batches_are_full_slices_of_the_length_order():
    rng = random.Random(3)
    for _ in range(200):
        lengths = [rng.randint(0, 30) for _ in range(rng.randint(0, 40))]
        size = rng.randint(1, 9)
        order = sorted(range(len(lengths)), key=lambda k: lengths[k])
        assert length_batches(lengths, size, max_padding=1.0) == [order[k : k + size] for k in range(0, len(order), size)]
