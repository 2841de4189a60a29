"""A synthetic workload with OntoNotes-like lengths: encoded sentences and pointer targets built directly
(no tokenizer, no corpus), so a BART-large-shaped benchmark needs no download."""

from __future__ import annotations

import random
from dataclasses import dataclass

import torch

from gencner.data.batching import EncodedExample
from gencner.data.encoding import EncodedSource, OutputSpace


@dataclass(frozen=True)
class Shape:
    mean_source: int = 40  # pieces, <s> and </s> included (the project's reference measurement)
    mean_triplets: float = 5.0  # 5 triplets + EOS = 16 target indices
    n_types: int = 6


def source_length(rng: random.Random, mean: int) -> int:
    """Lognormal lengths around `mean`, as sentence lengths are: most short, a long tail."""
    return max(8, min(int(rng.lognormvariate(0, 0.45) * mean * 0.905), 4 * mean))


def make_examples(n: int, vocab: int, space: OutputSpace, shape: Shape, seed: int = 0) -> list[EncodedExample]:
    rng = random.Random(seed)
    out = []
    for pos in range(n):
        length = source_length(rng, shape.mean_source)
        ids = (0, *[rng.randrange(5, vocab) for _ in range(length - 2)], 2)
        starts = tuple(sorted(set([1] + [i for i in range(2, length - 1) if rng.random() < 0.75])))
        n_triplets = max(0, min(int(rng.gauss(shape.mean_triplets, 1.5) + 0.5), len(starts)))
        target: list[int] = []
        for _ in range(n_triplets):
            a, b = sorted(rng.sample(starts, 2)) if len(starts) > 1 else (starts[0], starts[0])
            target += [a, b, space.type_index(rng.randrange(shape.n_types))]
        target.append(space.eos)
        kd = tuple([True] * (3 * n_triplets // 2) + [False] * (len(target) - 3 * n_triplets // 2))
        out.append(EncodedExample(pos, EncodedSource(ids, starts, len(starts)), tuple(target), kd))
    return out


def tokens_in(batch: dict) -> int:
    """Source pieces plus target indices that are not padding."""
    return int(batch["src_mask"].sum()) + int((batch["targets"] >= 0).sum())


def to(batch: dict, device: torch.device) -> dict:
    return {k: v.to(device, non_blocking=True) if torch.is_tensor(v) else v for k, v in batch.items()}
