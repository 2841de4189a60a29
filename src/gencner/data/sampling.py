"""Length-aware batches.

Training: sentences of similar length share a batch, so little compute is spent on padding. Batch
contents are drawn within buckets and the batch order is shuffled, both from a seeded generator, so a run
is reproducible and every example is seen once per epoch. Under DDP every rank builds the same batches
from the same seed and takes its share (RankBatches).

Decoding: `length_batches` sorts by length and cuts where a batch is full or would be mostly padding
(or, with max_padding=1.0, only where it is full: the span and tagger families' fixed-size batches)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import torch
from torch.utils.data import Sampler

from gencner.errors import GencnerError

# A decoding batch is cut before it would be more than this share padding (see length_batches).
MAX_PADDING = 0.2


def length_batches(lengths: Sequence[int], max_count: int, max_padding: float = MAX_PADDING) -> list[list[int]]:
    """Positions sorted by length (ties in position order), cut into batches of at most `max_count`, and
    earlier where adding the next (longest) one would make more than `max_padding` of the batch's padded
    tokens padding. Sorting alone leaves the long tail of the length distribution in the last batches,
    padded to the longest sentence: on 512 workload sentences at batch 256 that was 57% padding (19% cut
    this way), and on 1,024 (`model=small`, CPU) batch 256 decoded only 0.8× as fast per sentence as
    batch 64; cut this way, as fast. max_padding=1.0 never cuts early: batches of `max_count` in
    length order, as SpanKL decodes."""
    batches: list[list[int]] = []
    current: list[int] = []
    real = 0
    for i in sorted(range(len(lengths)), key=lambda k: lengths[k]):
        n = lengths[i]
        if current and (len(current) == max_count or (1 - max_padding) * (len(current) + 1) * n > real + n):
            batches.append(current)
            current, real = [], 0
        current.append(i)
        real += n
    return batches + ([current] if current else [])


class LengthBucketSampler(Sampler[list[int]]):
    def __init__(self, lengths: Sequence[int], batch_size: int, generator: torch.Generator, bucket_batches: int = 50):
        self.lengths = list(lengths)
        self.batch_size = batch_size
        self.generator = generator
        self.bucket_size = batch_size * bucket_batches

    def __len__(self) -> int:
        return (len(self.lengths) + self.batch_size - 1) // self.batch_size

    def epoch_batches(self) -> list[list[int]]:
        """This epoch's batches in bucket order (neighbours have similar lengths), before shuffling."""
        order = torch.randperm(len(self.lengths), generator=self.generator).tolist()
        batches = []
        for i in range(0, len(order), self.bucket_size):
            bucket = sorted(order[i : i + self.bucket_size], key=lambda j: self.lengths[j])
            batches += [bucket[k : k + self.batch_size] for k in range(0, len(bucket), self.batch_size)]
        return batches

    def __iter__(self) -> Iterator[list[int]]:
        batches = self.epoch_batches()
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

    def epoch_batches(self) -> list[list[int]]:
        """This epoch's batches in length order, before shuffling."""
        return self._batches(torch.randperm(len(self.lengths), generator=self.generator).tolist())

    def __iter__(self) -> Iterator[list[int]]:
        batches = self.epoch_batches()
        for b in torch.randperm(len(batches), generator=self.generator).tolist():
            yield batches[b]


def split_to_multiple(batches: list[list[int]], world: int) -> list[list[int]]:
    """The same examples in a number of batches divisible by `world`: the largest batches are halved
    (in place, so neighbours keep similar lengths), each half within the batch size or token budget.
    There must be enough examples for that many batches (RankBatches checks it once)."""
    batches = [list(b) for b in batches]
    while len(batches) % world:
        largest = max(range(len(batches)), key=lambda i: len(batches[i]))
        half = len(batches[largest]) // 2
        batches[largest : largest + 1] = [batches[largest][:half], batches[largest][half:]]
    return batches


class RankBatches(Sampler[list[int]]):
    """One rank's share of a bucketed or token-budget epoch under DDP. Every rank draws the same batches
    from the same seed; their number is made a multiple of the world size by halving the largest ones
    (so every rank runs the same number of optimizer steps, as DDP requires, and every example is seen
    exactly once per epoch: no padded repeats); groups of `world` neighbours in length order are shuffled
    as units and rank r takes the r-th batch of each, so the batches of one step have similar lengths
    and no rank waits long for another."""

    def __init__(self, base: LengthBucketSampler | TokenBudgetSampler, rank: int, world: int):
        self.base, self.rank, self.world = base, rank, world
        self.count = -(-len(base) // world)  # halving adds batches up to the next multiple of `world`
        if len(base.lengths) < self.count * world:  # too few examples to halve into that many batches
            raise GencnerError(
                f"{len(base.lengths)} training examples cannot be shared equally by {world} ranks; use fewer trainer.devices or more data"
            )

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[list[int]]:
        batches = split_to_multiple(self.base.epoch_batches(), self.world)
        groups = [batches[i : i + self.world] for i in range(0, len(batches), self.world)]
        for g in torch.randperm(len(groups), generator=self.base.generator).tolist():
            yield groups[g][self.rank]
