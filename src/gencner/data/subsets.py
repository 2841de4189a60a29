"""Fixed, seeded subsets of a corpus read from files: a dev slice held out of the training file (for a
corpus whose only labelled pool is one file) and a sample of the test file (when scoring the whole test
set after every step costs too much). Both keep the file order of what they keep, and both are fixed
by the seed alone, so every method, setting and task order sees the same sentences."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace

from gencner.data.schema import Sentence
from gencner.errors import ConfigError


def seeded_choice(n_items: int, k: int, seed: int) -> set[int]:
    """k of range(n_items), drawn by `random.Random(seed)`: the same set for the same three numbers."""
    return set(random.Random(seed).sample(range(n_items), k))


def reindexed(sentences: Sequence[Sentence]) -> list[Sentence]:
    """A subset as a split of its own: each sentence's idx is its position in it (Sentence.idx is the
    identity the task allocation and the pseudo-label scoring look sentences up by); origin keeps the
    file and line."""
    return [replace(s, idx=i) for i, s in enumerate(sentences)]


def hold_out(train: Sequence[Sentence], k: int, seed: int) -> tuple[list[Sentence], list[Sentence]]:
    """(the rest, k held-out sentences) of `train`."""
    if k >= len(train):
        raise ConfigError(f"dataset.dev_holdout={k}: the training file has only {len(train)} sentences")
    chosen = seeded_choice(len(train), k, seed)
    rest = [s for i, s in enumerate(train) if i not in chosen]
    held = [s for i, s in enumerate(train) if i in chosen]
    return reindexed(rest), reindexed(held)


def sample(sentences: Sequence[Sentence], k: int, seed: int) -> list[Sentence]:
    """k sentences of `sentences` (all of them when there are no more than k)."""
    if k >= len(sentences):
        return list(sentences)
    chosen = seeded_choice(len(sentences), k, seed)
    return reindexed([s for i, s in enumerate(sentences) if i in chosen])


def describe(dev_holdout: int, test_sample: int, n_test: int, seed: int) -> str:
    """The corpus report's note on the subsets taken ('' when none)."""
    parts = []
    if dev_holdout:
        parts.append(f"dev: {dev_holdout:,} sentences held out of the training file")
    if test_sample and test_sample < n_test:
        parts.append(f"test: a fixed sample of {test_sample:,} of {n_test:,} sentences")
    return f" ({'; '.join(parts)}; seed {seed})" if parts else ""
