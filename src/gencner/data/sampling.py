"""Length-bucketed batches: sentences of similar length share a batch, so little compute is spent on
padding. Batch contents are drawn within buckets and the batch order is shuffled, both from a seeded
generator, so a run is reproducible and every example is seen once per epoch."""

from __future__ import annotations

from typing import Iterator, Sequence

import torch
from torch.utils.data import Sampler


class LengthBucketSampler(Sampler[list[int]]):
    def __init__(self, lengths: Sequence[int], batch_size: int, generator: torch.Generator, bucket_batches: int = 50):
        self.lengths = list(lengths)
        self.batch_size = batch_size
        self.generator = generator
        self.bucket_size = batch_size * bucket_batches

    def __len__(self) -> int:
        return (len(self.lengths) + self.batch_size - 1) // self.batch_size

    def __iter__(self) -> Iterator[list[int]]:
        order = torch.randperm(len(self.lengths), generator=self.generator).tolist()
        batches = []
        for i in range(0, len(order), self.bucket_size):
            bucket = sorted(order[i : i + self.bucket_size], key=lambda j: self.lengths[j])
            batches += [bucket[k : k + self.batch_size] for k in range(0, len(bucket), self.batch_size)]
        for b in torch.randperm(len(batches), generator=self.generator).tolist():
            yield batches[b]


class TokenBudgetSampler(Sampler[list[int]]):
    """A batch grows while its padded size (longest example × count) stays within `max_tokens`: short
    sentences travel in large batches, long ones in small ones. Examples are sorted by length (ties in a
    seeded random order) and cut into batches once per epoch, so the number of batches is the same every
    epoch and __len__ is exact (Lightning ends an epoch after __len__ batches); the batch order is shuffled."""

    def __init__(self, lengths: Sequence[int], max_tokens: int, generator: torch.Generator):
        self.lengths = list(lengths)
        self.max_tokens = max_tokens
        self.generator = generator
        self.count = len(self._batches(list(range(len(self.lengths)))))

    def __len__(self) -> int:
        return self.count

    def _batches(self, tie_order: list[int]) -> list[list[int]]:
        rank = {j: r for r, j in enumerate(tie_order)}
        batches: list[list[int]] = []
        current: list[int] = []
        for j in sorted(range(len(self.lengths)), key=lambda k: (self.lengths[k], rank[k])):
            if current and self.lengths[j] * (len(current) + 1) > self.max_tokens:
                batches.append(current)
                current = []
            current.append(j)
        return batches + ([current] if current else [])

    def __iter__(self) -> Iterator[list[int]]:
        batches = self._batches(torch.randperm(len(self.lengths), generator=self.generator).tolist())
        for b in torch.randperm(len(batches), generator=self.generator).tolist():
            yield batches[b]
